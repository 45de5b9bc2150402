package routes.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Real documents built in the test, with the libraries Tika itself brings (PDFBox, POI). */
public final class SampleDocuments {

    private SampleDocuments() {
    }

    /** A PDF with one line of text per page and a title in its metadata. */
    public static byte[] pdf(String title, String... pageLines) {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDDocumentInformation info = new PDDocumentInformation();
            info.setTitle(title);
            doc.setDocumentInformation(info);
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String line : pageLines) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                    content.beginText();
                    content.setFont(font, 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(line);
                    content.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A parser bomb: a small PDF (tens of KB, its content stream compressed) whose one page holds {@code glyphs}
     * characters. A text extractor keeps every glyph of a page to sort them, so its memory and time grow with the
     * page, not with the file: a few million glyphs need gigabytes.
     */
    public static byte[] pdfBomb(int glyphs) {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            String run = "bomb ".repeat(200);
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.beginText();
                // tiny glyphs on lines just apart: all of them on the page, none overlapping another
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 0.05f);
                content.newLineAtOffset(10, 780);
                for (int written = 0; written < glyphs; written += run.length()) {
                    content.showText(run);
                    content.newLineAtOffset(0, -0.06f);
                }
                content.endText();
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DOCX with a title and one paragraph per line. */
    public static byte[] docx(String title, String... paragraphs) {
        try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            doc.getProperties().getCoreProperties().setTitle(title);
            for (String p : paragraphs) {
                doc.createParagraph().createRun().setText(p);
            }
            doc.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final String HTML = """
            <!DOCTYPE html>
            <html><head><title>Release notes</title>
            <style>body { color: red; } .secret-style {}</style>
            <script>var secretScript = "do not index";</script></head>
            <body><h1>Release notes</h1><p>The ingest service now <b>extracts HTML</b> without its markup.</p>
            <script>console.log("inline secretScript")</script></body></html>
            """;
}
