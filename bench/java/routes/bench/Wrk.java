package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk, the non-blocking HTTP load generator the benchmarks measure with (a blocking client on the same two cores
 * measures itself): found in the PATH or installed with apt-get, run with two threads, its figures parsed.
 */
final class Wrk {

    /** Requests per second, latency percentiles in milliseconds, requests made and those not answered 2xx. */
    record Result(double perSecond, double p50, double p99, long requests, long errors) {
    }

    private Wrk() {
    }

    /** wrk in the PATH, or installed with apt-get (Debian); without either the benchmark stops and says so. */
    static String ensure() throws Exception {
        if (run(List.of("sh", "-c", "command -v wrk")) == 0) {
            return "wrk";
        }
        System.out.println("wrk is missing: installing it with apt-get");
        if (run(List.of("sh", "-c", "apt-get update -qq && apt-get install -y -qq wrk")) != 0) {
            throw new IllegalStateException("wrk is not installed and apt-get could not install it: install wrk");
        }
        return "wrk";
    }

    private static int run(List<String> command) throws Exception {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** {@code wrk -t2 -c<connections> -d<seconds>s --latency [-s script] url} (one thread for one connection). */
    static Result run(String wrk, String url, Path script, int seconds, int connections) throws Exception {
        List<String> command = new ArrayList<>(List.of(wrk, "-t" + Math.min(2, connections), "-c" + connections,
                "-d" + seconds + "s", "--latency"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return new Result(number(out, "Requests/sec:\\s+([0-9.]+)"), millis(out, "50%"), millis(out, "99%"),
                (long) number(out, "([0-9]+) requests in"), (long) numberOr(out, "Non-2xx or 3xx responses:\\s+([0-9]+)", 0)
                        + (long) numberOr(out, "Socket errors:.*?timeout ([0-9]+)", 0));
    }

    /**
     * A wrk script that POSTs JSON: request n goes to {@code paths[n % paths]} with {@code bodies[n % bodies]} (Lua
     * long strings: a body may hold any quote).
     */
    static Path postScript(Path file, List<String> paths, List<String> bodies) throws Exception {
        StringBuilder lua = new StringBuilder("local paths = {");
        paths.forEach(p -> lua.append("[==[").append(p).append("]==],"));
        lua.append("}\nlocal bodies = {");
        bodies.forEach(b -> lua.append("[==[").append(b).append("]==],"));
        lua.append("}\nlocal n = 0\n")
                .append("wrk.method = \"POST\"\n")
                .append("wrk.headers[\"Content-Type\"] = \"application/json\"\n")
                .append("request = function()\n")
                .append("  n = n + 1\n")
                .append("  return wrk.format(nil, paths[(n % #paths) + 1], nil, bodies[(n % #bodies) + 1])\n")
                .append("end\n");
        return Files.writeString(file, lua);
    }

    /** One line of figures; a run with answers that were not 2xx stops the benchmark. */
    static void print(String what, Result r, String unit) {
        report(what, r, unit);
        if (r.errors() > 0) {
            throw new IllegalStateException(what + ": " + r.errors() + " answers were not 2xx");
        }
    }

    /** One line of figures, answers that were not 2xx counted in it (an overload the run measures). */
    static void report(String what, Result r, String unit) {
        System.out.printf("%-34s %9.0f %-6s p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d not 2xx)%n", what,
                r.perSecond(), unit, r.p50(), r.p99(), r.requests(), r.errors());
    }

    private static double millis(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " in wrk's output: " + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in the output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double numberOr(String out, String regex, double otherwise) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : otherwise;
    }
}
