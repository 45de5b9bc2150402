package routes.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated corpus of requests that must each be refused with a 4xx JSON answer and change nothing: every route,
 * path parameter, query parameter, JSON field, header and stream, with wrong types, huge and negative numbers,
 * invalid ids and cursors, deep and huge JSON, unknown charsets, header floods, traversal in every path and file
 * name, NUL and control characters, internal addresses in every remote source kind, and broken multipart.
 */
final class HostileCorpus {

    /** One request, as bytes on the wire, and a name that says what it tries. */
    record Hostile(String name, byte[] bytes) {
    }

    private final String project;
    private final String job;
    private final String document;
    private final String outside;
    private final List<Hostile> requests = new ArrayList<>();

    /**
     * @param project a real project, so that what is refused is the hostile part and not an unknown project
     * @param job a job of that project
     * @param document a document of that project
     * @param outside a readable file outside the local source roots
     */
    HostileCorpus(String project, String job, String document, String outside) {
        this.project = project;
        this.job = job;
        this.document = document;
        this.outside = outside;
    }

    List<Hostile> generate() {
        ids();
        queries();
        jsonBodies();
        fields();
        sources();
        uploads();
        headers();
        streams();
        return List.copyOf(requests);
    }

    // ---- path parameters -------------------------------------------------------------------------------------

    private static final List<String> BAD_IDS = List.of("not-a-uuid", "..", "..%2F..%2Fetc%2Fpasswd", "%00",
            "00000000-0000-0000-0000-00000000000g", "' OR '1'='1", "%E2%80%AE", "1", "-1",
            "00000000-0000-0000-0000-000000000000%00", "x".repeat(300), "%C0%AE%C0%AE");

    private void ids() {
        for (String id : BAD_IDS) {
            get("bad project id " + id, "/api/projects/" + id);
            get("bad project id in listing " + id, "/api/projects/" + id + "/ingest/jobs");
            get("bad job id " + id, "/api/projects/" + project + "/ingest/jobs/" + id);
            get("bad job id in documents " + id, "/api/projects/" + project + "/ingest/jobs/" + id + "/documents");
            get("bad document id " + id, "/api/projects/" + project + "/documents/" + id + "/chunks");
            send("cancel bad job id " + id, "POST", "/api/projects/" + project + "/ingest/jobs/" + id + "/cancel",
                    Map.of(), new byte[0]);
            send("delete bad job id " + id, "DELETE", "/api/projects/" + project + "/ingest/jobs/" + id, Map.of(),
                    new byte[0]);
            json("create job in bad project " + id, "/api/projects/" + id + "/ingest/jobs",
                    "{\"source_uri\":\"https://example.org/a.txt\"}");
            json("text helper in bad project " + id, "/api/projects/" + id + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"x\"}");
            upload("upload into bad project " + id, "/api/projects/" + id + "/ingest/upload", "a.txt", "text/plain",
                    "hello".getBytes());
            get("keys of bad project " + id, "/api/projects/" + id + "/keys");
            send("revoke bad key id " + id, "DELETE", "/api/projects/" + project + "/keys/" + id, Map.of(), new byte[0]);
        }
        // a real job and document reached through the wrong kind of id
        get("job id used as project", "/api/projects/" + job);
        get("document id used as job", "/api/projects/" + project + "/ingest/jobs/" + document);
        get("job id used as document", "/api/projects/" + project + "/documents/" + job + "/chunks");
    }

    // ---- query parameters ------------------------------------------------------------------------------------

    private void queries() {
        String jobs = "/api/projects/" + project + "/ingest/jobs";
        String chunks = "/api/projects/" + project + "/documents/" + document + "/chunks";
        for (String limit : List.of("-1", "0", "abc", "1e9", "99999999999999999999", "1.5", "%00", "0x10", "+",
                "1001", " ", "NaN")) {
            get("job listing limit " + limit, jobs + "?limit=" + limit);
            get("chunk listing limit " + limit, chunks + "?limit=" + limit);
        }
        for (String status : List.of("bogus", "QUEUED%00", "completed'--", "%E2%80%AE", "x".repeat(500))) {
            get("job listing status " + status, jobs + "?status=" + status);
            get("job listing stage " + status, jobs + "?stage=" + status);
            get("job listing source_id " + status, jobs + "?source_id=" + status);
        }
        String future = b64("v1|+1000000000-12-31T23:59:59Z|" + job);
        String past = b64("v1|-1000000000-01-01T00:00:00Z|" + job);
        for (String cursor : List.of("garbage", "%00", b64("v2|2020-01-01T00:00:00Z|" + job), future, past,
                b64("v1|2020-01-01T00:00:00Z|not-a-uuid"), b64("v1|not-a-time|" + job), "x".repeat(3000),
                b64("x".repeat(1000)), b64("v1|2020-01-01T00:00:00Z"), "====", "%ZZ")) {
            get("job cursor " + cursor.substring(0, Math.min(40, cursor.length())), jobs + "?cursor=" + cursor);
            get("chunk cursor " + cursor.substring(0, Math.min(40, cursor.length())), chunks + "?cursor=" + cursor);
        }
        get("chunk cursor negative", chunks + "?cursor=" + b64("c1-5"));
        get("chunk cursor overflow", chunks + "?cursor=" + b64("c199999999999999999999"));
    }

    // ---- whole JSON bodies -----------------------------------------------------------------------------------

    private void jsonBodies() {
        List<String> routes = List.of("/api/projects", "/api/projects/" + project + "/ingest/jobs",
                "/api/projects/" + project + "/ingest");
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("empty", new byte[0]);
        bodies.put("blank", "   ".getBytes());
        bodies.put("array", "[]".getBytes());
        bodies.put("string", "\"x\"".getBytes());
        bodies.put("number", "42".getBytes());
        bodies.put("null", "null".getBytes());
        bodies.put("truncated", "{\"name\":".getBytes());
        bodies.put("trailing garbage", "{\"name\":\"x\"} trailing".getBytes());
        bodies.put("single quotes", "{'name':'x'}".getBytes());
        bodies.put("raw control character", "{\"name\":\"a\u0001b\"}".getBytes());
        bodies.put("invalid UTF-8", new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodies.put("deep nesting", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes());
        bodies.put("deep object nesting", ("{\"a\":".repeat(5000) + "1" + "}".repeat(5000)).getBytes());
        bodies.put("huge", ("{\"name\":\"" + "x".repeat(200_000) + "\"}").getBytes());
        bodies.put("huge number", "{\"name\":1e999999999}".getBytes());
        bodies.put("NaN", "{\"name\":NaN}".getBytes());
        bodies.put("comment", "/* hi */{\"name\":\"x\"}".getBytes());
        for (String route : routes) {
            bodies.forEach((what, body) -> send(what + " body to " + route, "POST", route,
                    Map.of("Content-Type", "application/json"), body));
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml",
                    "multipart/form-data; boundary=x", "application/json; charset=klingon",
                    "application/json; charset=\"\"", "application/json; charset=utf-7x")) {
                send("content type " + type + " to " + route, "POST", route, Map.of("Content-Type", type),
                        "{\"name\":\"x\",\"source_uri\":\"https://example.org/a\"}".getBytes());
            }
        }
    }

    // ---- every field with every wrong type -------------------------------------------------------------------

    private void fields() {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        routes.put("/api/projects", List.of("name", "description"));
        routes.put("/api/projects/" + project + "/ingest/jobs", List.of("source_uri", "source_path",
                "original_filename", "checksum", "mime_type", "byte_size"));
        routes.put("/api/projects/" + project + "/ingest", List.of("source_type", "content", "source_id",
                "repo_url", "repo_path"));
        List<String> wrong = List.of("123", "true", "[]", "{}", "[\"a\"]", "-1", "1e308");
        routes.forEach((route, fields) -> {
            for (String field : fields) {
                for (String value : wrong) {
                    if (field.equals("byte_size") && value.equals("123")) {
                        continue; // a number is right for byte_size
                    }
                    json("field " + field + "=" + value + " on " + route, route, withBase(route, field, value));
                }
                json("NUL in " + field + " on " + route, route, withBase(route, field, "\"a\\u0000b\""));
            }
        });
        String jobs = "/api/projects/" + project + "/ingest/jobs";
        for (String size : List.of("-1", "-9223372036854775808", "9223372036854775808", "1.5", "\"12\"", "1e30")) {
            json("byte_size " + size, jobs, "{\"source_path\":\"" + outside + "\",\"byte_size\":" + size + "}");
        }
        for (String sum : List.of("xyz", "0".repeat(63), "0".repeat(65), "g".repeat(64), "\\u0000".repeat(64))) {
            json("checksum " + sum.substring(0, Math.min(8, sum.length())), jobs, "{\"source_uri\":\"https://example.org/a\",\"checksum\":\""
                    + sum + "\"}");
        }
        for (String mime : List.of("text/" + "x".repeat(400), "no-slash", "text/plain/extra", "../../x", "text/pl ain")) {
            json("mime_type " + mime.substring(0, Math.min(20, mime.length())), jobs,
                    "{\"source_uri\":\"https://example.org/a\",\"mime_type\":\"" + mime + "\"}");
        }
        String helper = "/api/projects/" + project + "/ingest";
        for (String body : List.of("{}", "{\"source_type\":\"text\"}", "{\"source_type\":\"text\",\"content\":\"  \"}",
                "{\"source_type\":\"bogus\"}", "{\"source_type\":\"repository\"}",
                "{\"source_type\":\"text\",\"content\":\"x\",\"source_id\":\"nope\"}",
                "{\"source_type\":\"TEXT\",\"content\":\"x\"}")) {
            json("helper " + body, helper, body);
        }
        for (String name : List.of("", " ", "x".repeat(201), "\\u0000", "a\\u0007b")) {
            json("project name '" + name.substring(0, Math.min(10, name.length())) + "'", "/api/projects",
                    "{\"name\":\"" + name + "\"}");
        }
    }

    private String withBase(String route, String field, String value) {
        String base;
        if (route.endsWith("/projects")) {
            base = field.equals("name") ? "" : "\"name\":\"x\",";
        } else if (route.endsWith("/ingest")) {
            base = field.equals("source_type") ? "" : "\"source_type\":\"text\",\"content\":\"x\",";
            if (field.equals("repo_url") || field.equals("repo_path")) {
                base = "\"source_type\":\"repository\",";
            }
        } else {
            base = field.equals("source_uri") || field.equals("source_path") ? ""
                    : "\"source_path\":\"" + outside + "\",";
        }
        return "{" + base + "\"" + field + "\":" + value + "}";
    }

    // ---- sources: internal addresses in every remote kind, traversal in every local one ----------------------

    private static final List<String> INTERNAL_HOSTS = List.of("127.0.0.1", "localhost", "10.0.0.1", "172.16.5.4",
            "192.168.1.1", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "2130706433",
            "0x7f000001", "0177.0.0.1", "0.0.0.0", "[fd00::1]", "[fe80::1]", "100.64.0.1", "127.1", "[::]",
            "metadata.google.internal.", "localtest.me");

    private void sources() {
        String jobs = "/api/projects/" + project + "/ingest/jobs";
        String helper = "/api/projects/" + project + "/ingest";
        for (String host : INTERNAL_HOSTS) {
            json("http source on " + host, jobs, "{\"source_uri\":\"http://" + host + "/latest/meta-data/\"}");
            json("https source on " + host + ":8443", jobs, "{\"source_uri\":\"https://" + host + ":8443/a.txt\"}");
            json("git+https source on " + host, jobs, "{\"source_uri\":\"git+https://" + host + "/team/repo.git\"}");
            json("repository url on " + host, helper, "{\"source_type\":\"repository\",\"repo_url\":\"http://"
                    + host + "/team/repo.git\"}");
        }
        for (String uri : List.of("ftp://example.org/a.txt", "gopher://127.0.0.1:70/", "dict://127.0.0.1:11211/",
                "jar:file:///etc/passwd!/", "file:///etc/passwd", "file://localhost/etc/passwd", "file:" + outside,
                "git+file:///etc", "git+ssh://example.org/repo.git", "ssh://example.org/repo.git", "s3://other-bucket/x",
                "s3:///no-bucket", "http://", "http:///path", "https://user@", "http://[::1", "javascript:alert(1)",
                "data:text/plain,hello", "//example.org/a", "\\\\\\\\server\\\\share\\\\a.txt", "http://example.org:99999/")) {
            json("source uri " + uri, jobs, "{\"source_uri\":\"" + uri + "\"}");
        }
        for (String path : List.of("/etc/passwd", outside, "../../../../etc/passwd", "/proc/self/environ",
                "/dev/zero", "~root/.ssh/id_rsa", "%2e%2e/%2e%2e/etc/passwd", "/etc/passwd\\u0000.txt", "a\\u0001b",
                "C:\\\\Windows\\\\win.ini", "", " ")) {
            json("source path " + path, jobs, "{\"source_path\":\"" + path + "\"}");
            json("repository path " + path, helper, "{\"source_type\":\"repository\",\"repo_path\":\"" + path + "\"}");
        }
        json("both a uri and a path", jobs, "{\"source_uri\":\"https://example.org/a\",\"source_path\":\"" + outside
                + "\"}");
        json("neither a uri nor a path", jobs, "{\"original_filename\":\"a.txt\"}");
    }

    // ---- multipart ---------------------------------------------------------------------------------------------

    private void uploads() {
        String url = "/api/projects/" + project + "/ingest/upload";
        for (String name : List.of("a\u0000b.txt", "a\u0001.txt", "line\nbreak.txt", "x".repeat(2000) + ".txt")) {
            upload("file name " + name.substring(0, Math.min(12, name.length())).replace("\n", "\\n"), url, name,
                    "text/plain", "hello".getBytes());
        }
        upload("content type too long", url, "a.txt", "text/" + "x".repeat(300), "hello".getBytes());
        upload("executable", url, "run.exe", "application/x-msdownload", "MZ\u0090\u0000".getBytes());
        upload("declared text, bytes are a zip", url, "a.txt", "text/plain",
                new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
        upload("declared pdf, bytes are text", url, "a.pdf", "application/pdf", "not a pdf at all".getBytes());
        upload("empty file", url, "empty.txt", "text/plain", new byte[0]);
        Map<String, String> types = new LinkedHashMap<>();
        types.put("no boundary", "multipart/form-data");
        types.put("empty boundary", "multipart/form-data; boundary=");
        types.put("overlong boundary", "multipart/form-data; boundary=" + "b".repeat(200));
        types.put("not multipart", "text/plain");
        types.put("mixed", "multipart/mixed; boundary=b");
        types.forEach((what, type) -> send("upload with " + what, "POST", url, Map.of("Content-Type", type),
                part("b", "file", "a.txt", "text/plain", "hello".getBytes(), true)));
        byte[] good = part("b", "file", "a.txt", "text/plain", "hello".getBytes(), true);
        Map<String, String> multipart = Map.of("Content-Type", "multipart/form-data; boundary=b");
        send("wrong boundary in body", "POST", url, Map.of("Content-Type", "multipart/form-data; boundary=zz"), good);
        send("unterminated multipart", "POST", url, multipart,
                part("b", "file", "a.txt", "text/plain", "hello".getBytes(), false));
        send("no file part", "POST", url, multipart, part("b", "other", null, "text/plain", "x".getBytes(), true));
        send("two file parts", "POST", url, multipart, concat(
                part("b", "file", "a.txt", "text/plain", "hello".getBytes(), false),
                part("b", "file", "b.txt", "text/plain", "world".getBytes(), true)));
        send("checksum mismatch", "POST", url, multipart, concat(
                part("b", "checksum", null, null, "0".repeat(64).getBytes(), false),
                part("b", "file", "a.txt", "text/plain", "hello".getBytes(), true)));
        send("checksum too long", "POST", url, multipart, concat(
                part("b", "checksum", null, null, "0".repeat(5000).getBytes(), false),
                part("b", "file", "a.txt", "text/plain", "hello".getBytes(), true)));
        send("part headers without a blank line", "POST", url, multipart,
                "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n--b--\r\n".getBytes());
        send("garbage body", "POST", url, multipart, "\u0000\u0001\u0002garbage".getBytes());
        send("upload with GET", "GET", url, Map.of(), new byte[0]);
    }

    // ---- headers -----------------------------------------------------------------------------------------------

    private void headers() {
        String projects = "/api/projects";
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            flood.append("X-Flood-").append(i).append(": ").append("v".repeat(30)).append("\r\n");
        }
        raw("header flood", "GET " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + flood + "\r\n");
        raw("one huge header", "GET " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Big: "
                + "b".repeat(20_000) + "\r\n\r\n");
        raw("huge request line", "GET " + projects + "?q=" + "q".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
        raw("content length not a number", "POST " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{\"name\":\"x\"}");
        raw("negative content length", "POST " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{\"name\":\"x\"}");
        raw("content length and chunked", "POST " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nPOST /api/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 12\r\n\r\n{\"name\":\"x\"}");
        raw("bad chunk size", "POST " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        raw("bad request line", "GARBAGE\r\n\r\n");
        raw("HTTP/0.9-like", "GET /api/projects\r\n\r\n");
        raw("space in path", "GET /api/pro jects HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        raw("unknown method", "BREW " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        raw("header without colon", "GET " + projects + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "NoColonHere\r\n\r\n");
        for (String key : List.of("x".repeat(300), "a\u0001b", "")) {
            send("idempotency key '" + key.substring(0, Math.min(8, key.length())) + "'", "POST",
                    "/api/projects/" + project + "/ingest", Map.of("Content-Type", "application/json",
                            "Idempotency-Key", key), "{\"source_type\":\"text\",\"content\":\"x\"}".getBytes());
        }
        send("put on projects", "PUT", projects, Map.of("Content-Type", "application/json"), "{}".getBytes());
        send("patch on a job", "PATCH", "/api/projects/" + project + "/ingest/jobs/" + job,
                Map.of("Content-Type", "application/json"), "{}".getBytes());
        send("delete a project", "DELETE", "/api/projects/" + project, Map.of(), new byte[0]);
        get("unknown route", "/api/../../etc/passwd");
        get("unknown api route", "/api/admin");
        get("encoded traversal route", "/api/projects/%2e%2e/%2e%2e/etc/passwd");
    }

    // ---- streams -----------------------------------------------------------------------------------------------

    private void streams() {
        for (String id : BAD_IDS) {
            get("project stream bad id " + id, "/api/stream/projects/" + id + "/ingest");
            get("job events bad job id " + id, "/api/stream/projects/" + project + "/ingest/" + id + "/events");
            get("job socket bad job id " + id, "/api/stream/projects/" + project + "/ingest/" + id);
        }
        for (String last : List.of("abc", "-1", "99999999999999999999999", "\u0001", "1e5")) {
            send("job events Last-Event-ID " + last, "GET", "/api/stream/projects/" + project + "/ingest/" + job
                    + "/events", Map.of("Last-Event-ID", last, "Accept", "text/event-stream"), new byte[0]);
        }
        raw("websocket with a bad key", "GET /api/stream/projects/" + project + "/ingest HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + "\r\n\r\n");
        raw("websocket with a bad version", "GET /api/stream/projects/" + project + "/ingest HTTP/1.1\r\nHost: "
                + "localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 99\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        raw("websocket to another origin", "GET /api/stream/projects/" + project + "/ingest HTTP/1.1\r\nHost: "
                + "localhost\r\nOrigin: https://evil.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    }

    // ---- building requests -------------------------------------------------------------------------------------

    private void get(String name, String path) {
        send(name, "GET", path, Map.of(), new byte[0]);
    }

    private void json(String name, String path, String body) {
        send(name, "POST", path, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }

    private void upload(String name, String path, String fileName, String type, byte[] content) {
        send(name, "POST", path, Map.of("Content-Type", "multipart/form-data; boundary=b"),
                part("b", "file", fileName, type, content, true));
    }

    private void send(String name, String method, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (!method.equals("GET") || body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        requests.add(new Hostile(name, concat(head.toString().getBytes(StandardCharsets.UTF_8), body)));
    }

    private void raw(String name, String request) {
        requests.add(new Hostile(name, request.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] part(String boundary, String field, String fileName, String type, byte[] content,
            boolean last) {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                .append(field).append('"');
        if (fileName != null) {
            head.append("; filename=\"").append(fileName).append('"');
        }
        head.append("\r\n");
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        head.append("\r\n");
        byte[] tail = ("\r\n" + (last ? "--" + boundary + "--\r\n" : "")).getBytes();
        return concat(head.toString().getBytes(StandardCharsets.UTF_8), content, tail);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String b64(String raw) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
