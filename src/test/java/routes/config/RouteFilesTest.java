package routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every route file, read alone: it matches the YAML DSL's schema (the one camel-yaml-dsl ships), Camel's YAML loader
 * builds it, its expressions are in the canonical form ({@code expression:} wrappers, no compact
 * {@code simple: "..."}), each placeholder names a property of application.properties and brings no default of its
 * own, and camel-main is told to load it.
 */
class RouteFilesTest {

    private static final Path ROUTES = Path.of("src/main/resources/camel");
    /** Expression languages the routes use, and the fields whose value is itself an expression (no wrapper). */
    private static final Set<String> LANGUAGES = Set.of("simple", "constant", "header", "exchangeProperty", "method");
    private static final Set<String> EXPRESSION_FIELDS = Set.of("expression", "handled", "continued", "onWhen",
            "retryWhile");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");

    static Stream<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void matchesTheYamlDslSchema(Path file) throws IOException {
        assertThat(RouteFilesTest.class.getClassLoader().getResource("schema/camelYamlDsl.json"))
                .as("camel-yaml-dsl's schema on the classpath").isNotNull();
        Schema schema = SchemaRegistry.withDefaultDialect(Dialects.getDraft4())
                .getSchema(SchemaLocation.of("classpath:schema/camelYamlDsl.json"));
        // A property placeholder where the schema wants a boolean or a number is how Camel makes such a field
        // tunable: it is resolved before the value is typed. Everything else the schema says is an error.
        List<String> errors = schema.validate(Files.readString(file), InputFormat.YAML).stream()
                .filter(e -> !(e.getInstanceNode() != null && e.getInstanceNode().isTextual()
                        && e.getInstanceNode().asText().matches("\\{\\{[^{}]*(\\{\\{[^{}]+}}[^{}]*)?}}")
                        && e.getMessage().matches(".*string found, (boolean|integer|number) expected.*")))
                .map(Object::toString).toList();
        assertThat(errors).as(file + " against the YAML DSL schema").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void camelsYamlLoaderBuildsIt(Path file) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Resource resource = ResourceHelper.fromString(file.getFileName().toString(), Files.readString(file));
            var builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
            assertThat(builders).as(file.toString()).isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void expressionsAreInTheCanonicalForm(Path file) throws IOException {
        List<String> compact = new ArrayList<>();
        walk(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file, StandardCharsets.UTF_8)),
                "", compact);
        assertThat(compact).as(file + ": expressions outside an expression: wrapper, or not in its long form").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object node, String parent, List<String> compact) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                String key = e.getKey();
                if (LANGUAGES.contains(key) && !parent.equals("bean")) {
                    if (!EXPRESSION_FIELDS.contains(parent)) {
                        compact.add(parent + " > " + key);
                    } else if (!(e.getValue() instanceof Map<?, ?> m && m.containsKey("expression"))) {
                        compact.add(parent + " > " + key + ": " + e.getValue());
                    }
                }
                walk(e.getValue(), key, compact);
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                walk(item, parent, compact);
            }
        }
    }

    @Test
    void placeholdersNameSettingsAndCarryNoDefault() throws IOException {
        Properties properties = applicationProperties();
        Set<String> problems = new TreeSet<>();
        for (Path file : routeFiles().toList()) {
            Matcher m = PLACEHOLDER.matcher(Files.readString(file).replaceAll("\\{\\{cortex\\.role}}", "all"));
            while (m.find()) {
                String key = m.group(1);
                if (key.contains(":")) {
                    problems.add(file.getFileName() + ": " + key + " has a default of its own");
                } else if (!properties.containsKey(key)) {
                    problems.add(file.getFileName() + ": " + key + " is not in application.properties");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void camelMainLoadsEveryRouteFileAndNoOther() throws IOException {
        List<String> listed = Arrays.stream(applicationProperties().getProperty("camel.main.routes-include-pattern")
                .split(",")).map(String::trim).toList();
        List<String> present = routeFiles().map(f -> "classpath:camel/" + f.getFileName()).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }
}
