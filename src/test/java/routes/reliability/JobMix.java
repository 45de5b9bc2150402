package routes.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import routes.support.ApiClient;
import routes.support.ApiClient.Reply;
import routes.support.SampleDocuments;

/**
 * A client that keeps creating jobs of mixed sources through the API while faults happen: text (the text helper),
 * text and PDF uploads, and a git repository over HTTP. Every answer must be a 2xx (the job is accepted) or a 503
 * JSON (nothing was created); anything else is recorded as a violation.
 */
final class JobMix implements Runnable {

    private final ApiClient api;
    private final String project;
    private final String repositoryUrl;
    private final int target;
    private final AtomicBoolean holdOpen;
    final List<String> accepted = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger refusedUploads = new AtomicInteger();
    private int sent;

    /**
     * @param target   jobs to get accepted
     * @param holdOpen while true, creating goes on past the target (so that requests also meet the fault)
     */
    JobMix(ApiClient api, String project, String repositoryUrl, int target, AtomicBoolean holdOpen) {
        this.api = api;
        this.project = project;
        this.repositoryUrl = repositoryUrl;
        this.target = target;
        this.holdOpen = holdOpen;
    }

    @Override
    public void run() {
        while (accepted.size() < target || holdOpen.get()) {
            int n = sent++;
            String base = "/api/projects/" + project + "/ingest";
            Reply reply;
            boolean upload = false;
            try {
                switch (n % 16) {
                    case 0, 1, 2, 3, 4, 5 -> reply = api.postJson(base, "{\"source_type\":\"text\",\"content\":\"Fault suite text "
                            + n + ". " + "A paragraph to chunk. ".repeat(20) + "\"}");
                    case 6, 7, 8, 9, 10 -> {
                        upload = true;
                        reply = api.upload(base + "/upload", "note-" + n + ".txt",
                                ("Uploaded note " + n + "\n" + "line of text\n".repeat(50)).getBytes(StandardCharsets.UTF_8),
                                "text/plain", null);
                    }
                    case 11, 12, 13, 14 -> {
                        upload = true;
                        reply = api.upload(base + "/upload", "report-" + n + ".pdf",
                                SampleDocuments.pdf("Report " + n, "Page one of report " + n, "Page two"),
                                "application/pdf", null);
                    }
                    default -> reply = api.postJson(base, "{\"source_type\":\"repository\",\"repo_url\":\""
                            + repositoryUrl + "\"}");
                }
            } catch (RuntimeException e) {
                violations.add("request " + n + " failed without an answer: " + e);
                continue;
            }
            if (reply.status() == 200 || reply.status() == 201) {
                accepted.add(reply.json().has("job_id") ? reply.json().get("job_id").asText()
                        : reply.json().get("id").asText());
            } else if (reply.status() == 503 && reply.json() != null) {
                refused.incrementAndGet();
                if (upload) {
                    refusedUploads.incrementAndGet();
                }
            } else {
                violations.add("request " + n + ": HTTP " + reply.status() + " " + reply.body());
            }
        }
    }
}
