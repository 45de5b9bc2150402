package routes.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A git server speaking the smart HTTP protocol (JGit's UploadPack behind the JDK's HTTP server), for clones over
 * http: {@code /<name>.git} serves a repository, {@code /moved/...} redirects anywhere, and every request is recorded.
 */
public final class GitHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String redirectTo;

    public GitHttpServer(Path workTree) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Repository repository;
        try {
            repository = new FileRepositoryBuilder().setWorkTree(workTree.toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            try (exchange) {
                serve(exchange, repository);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** Everything under /moved/ answers 302 to this base followed by the rest of the path. */
    public GitHttpServer redirectMovedTo(String base) {
        this.redirectTo = base;
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve(HttpExchange exchange, Repository repository) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/moved/") && redirectTo != null) {
            String query = exchange.getRequestURI().getRawQuery();
            exchange.getResponseHeaders().add("Location", redirectTo + path.substring("/moved/".length())
                    + (query == null ? "" : "?" + query));
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        if (path.endsWith("/info/refs") && "service=git-upload-pack".equals(exchange.getRequestURI().getQuery())) {
            exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                PacketLineOut lines = new PacketLineOut(out);
                lines.writeString("# service=git-upload-pack\n");
                lines.end();
                UploadPack pack = new UploadPack(repository);
                pack.setBiDirectionalPipe(false);
                pack.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(lines));
            }
            return;
        }
        if (path.endsWith("/git-upload-pack") && exchange.getRequestMethod().equals("POST")) {
            InputStream in = exchange.getRequestBody();
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                UploadPack pack = new UploadPack(repository);
                pack.setBiDirectionalPipe(false);
                pack.upload(in, out, null);
            }
            return;
        }
        exchange.sendResponseHeaders(404, -1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
