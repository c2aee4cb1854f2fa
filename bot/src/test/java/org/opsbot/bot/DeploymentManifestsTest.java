package org.opsbot.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.http.SlackStatus;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RunningBot;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code deploy/kubernetes} read as kustomize and the kubelet read it, and held against the bot
 * itself: the variables it sets are ones the bot reads, the mounted opsbot.yaml and runbooks
 * pass the bot's own validation, and the probe paths answer, with the status each probe needs,
 * on a bot started the way the Deployment starts it. Renaming a health path, a port or an
 * environment variable in the code without the manifests (or the other way round) fails here.
 */
class DeploymentManifestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = repositoryRoot();
    private static final Path KUSTOMIZE = ROOT.resolve("deploy/kubernetes");
    // Read by the JVM's launcher, not by the bot; allowed in the Deployment's env.
    private static final Set<String> JVM_VARIABLES = Set.of("JDK_JAVA_OPTIONS");

    private static Manifests manifests;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeAll
    static void readTheManifests() {
        manifests = Manifests.read(KUSTOMIZE);
    }

    @AfterEach
    void stopWhatWasStarted() throws Exception {
        for (AutoCloseable c : started.reversed()) {
            c.close();
        }
    }

    @Test
    void everyVariableTheDeploymentSetsIsOneTheBotReads() {
        Map<String, String> env = manifests.environment();
        Set<String> read = new HashSet<>();

        Settings settings = Settings.fromEnvironment(recording(env, read), manifests.config().server());

        Set<String> unread = new HashSet<>(env.keySet());
        unread.removeAll(read);
        unread.removeAll(JVM_VARIABLES);
        assertThat(unread).as("variables the Deployment sets that the bot never reads").isEmpty();
        // The example Secret's placeholders have the shapes the bot insists on, so a copy of it
        // fails on its values only, not on a format check.
        assertThat(settings.slackBotToken()).isPresent();
        assertThat(settings.slackSigningSecret()).isPresent();
        assertThat(settings.webhookTokens()).isNotEmpty();
    }

    @Test
    void everySecretKeyTheDeploymentUsesIsInTheExampleSecretAndNoneIsSpare() {
        Map<String, Object> secret = manifests.secretExample;
        Set<String> used = new HashSet<>();
        for (Object entry : list(at(manifests.container(), "env"))) {
            Object from = map(entry).get("valueFrom");
            if (from != null) {
                Map<String, Object> ref = map(at(from, "secretKeyRef"));
                assertThat(ref.get("name")).isEqualTo(at(secret, "metadata", "name"));
                used.add((String) ref.get("key"));
            }
        }
        assertThat(map(at(secret, "stringData")).keySet()).containsExactlyInAnyOrderElementsOf(used);
        assertThat(list(at(manifests.kustomization, "resources")))
                .as("kubectl apply -k must never overwrite the real Secret with the example's placeholders")
                .doesNotContain("secret.example.yaml");
    }

    @Test
    void twoReplicasShareOnePostgreSqlDatabaseAndNoSqliteFile() {
        int replicas = (Integer) at(manifests.deployment(), "spec", "replicas");
        Settings settings = Settings.fromEnvironment(manifests.environment(), manifests.config().server());

        assertThat(replicas).isGreaterThanOrEqualTo(2);
        // Two processes on one SQLite file would each run the work only one replica may do;
        // on a network volume SQLite's locks do not even hold. PostgreSQL is the only way.
        assertThat(settings.databaseUrl()).startsWith("jdbc:postgresql:");
        assertThat(manifests.resources).noneMatch(r -> "PersistentVolumeClaim".equals(r.get("kind")));
        for (Object volume : list(at(manifests.podSpec(), "volumes"))) {
            assertThat(map(volume)).doesNotContainKey("persistentVolumeClaim");
        }
    }

    @Test
    void theMountedConfigurationPassesTheBotsOwnValidation() {
        Map<String, String> env = new Pod(dir).environment();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("validate");

        int runbooks = manifests.configMaps.get("opsbot-runbooks").size();
        assertThat(out.toString()).startsWith("OK: opsbot.yaml is valid")
                .contains("OK: " + runbooks + " runbook" + (runbooks == 1 ? "" : "s") + " in " + env.get("OPSBOT_RUNBOOKS"));
        assertThat(code).as(out + "\n" + err).isZero();
    }

    @Test
    void theContainerListensWhereTheProbesTheServiceAndPrometheusLook() {
        Map<String, Object> container = manifests.container();
        int port = manifests.containerPort("http");
        Settings settings = Settings.fromEnvironment(manifests.environment(), manifests.config().server());
        Dockerfile image = Dockerfile.read(ROOT.resolve("Dockerfile"));

        assertThat(settings.port()).as("OPSBOT_PORT").isEqualTo(port);
        assertThat(image.exposedPort()).isEqualTo(port);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(manifests.containerPort(at(container, probe, "httpGet", "port"))).as(probe).isEqualTo(port);
        }
        Map<String, Object> service = manifests.only("Service");
        Map<String, Object> servicePort = map(list(at(service, "spec", "ports")).getFirst());
        assertThat(manifests.containerPort(servicePort.get("targetPort"))).isEqualTo(port);
        assertThat(map(at(service, "spec", "selector"))).isEqualTo(manifests.podLabels());
        Map<String, Object> annotations = map(at(manifests.deployment(), "spec", "template", "metadata", "annotations"));
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(port))
                .containsEntry("prometheus.io/path", "/metrics");
        for (String path : manifests.ingressPaths().keySet()) {
            Map<String, Object> backend = map(manifests.ingressPaths().get(path));
            assertThat(at(backend, "service", "name")).isEqualTo(at(service, "metadata", "name"));
            assertThat(at(backend, "service", "port", "name")).isEqualTo(servicePort.get("name"));
        }
    }

    @Test
    void theIngressExposesSlackAndTheAlertWebhooksOnly() {
        assertThat(manifests.ingressPaths().keySet())
                .containsExactlyInAnyOrder("/slack/events", "/alerts/alertmanager", "/alerts/grafana", "/alerts/generic")
                .noneMatch(p -> p.startsWith("/health") || p.startsWith("/metrics"));
    }

    @Test
    void theProbesAndIngressPathsAnswerOnTheBotStartedAsTheDeploymentStartsIt() throws Exception {
        Bot bot = serveAsTheDeployment();
        Map<String, Object> container = manifests.container();

        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            String path = (String) at(container, probe, "httpGet", "path");
            // The kubelet counts 200-399 as success.
            assertThat(get(bot.port(), path).statusCode()).as(probe + " " + path).isBetween(200, 399);
        }
        // Slack is unreachable here (SLACK_API_URL is a closed port). An alert still goes in,
        // and once the outbox has failed to post it, readiness must still pass: otherwise a
        // Slack outage would empty the Service and stop the alerts too.
        var alert = http.send(HttpRequest.newBuilder(local(bot.port(), "/alerts/alertmanager"))
                .header("Authorization", "Bearer " + manifests.environment().get("OPSBOT_WEBHOOK_TOKEN"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofFile(ROOT.resolve("examples/alertmanager-sample.json"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(alert.statusCode()).as(alert.body()).isBetween(200, 299);
        String ready = (String) at(container, "readinessProbe", "httpGet", "path");
        Eventually.await("the bot to notice that Slack is unreachable", Duration.ofSeconds(20),
                () -> slackState(get(bot.port(), ready)).equals("UNREACHABLE"));
        assertThat(get(bot.port(), ready).statusCode()).isEqualTo(200);
        // Each exposed path is served: unsigned and unauthenticated requests are refused, not unknown.
        for (String path : manifests.ingressPaths().keySet()) {
            var response = http.send(HttpRequest.newBuilder(local(bot.port(), path))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("POST " + path).isEqualTo(401);
        }
        var metrics = get(bot.port(), "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("opsbot_");
    }

    @Test
    void aDatabaseOutageTakesPodsOutOfTheServiceButNeverRestartsThem() {
        RunningBot bot = new RunningBot();
        started.add(bot);
        bot.databaseUp.set(false);
        bot.slackStatus.set(SlackStatus.reachable());
        Map<String, Object> container = manifests.container();

        assertThat(bot.get((String) at(container, "readinessProbe", "httpGet", "path")).statusCode()).isEqualTo(503);
        assertThat(bot.get((String) at(container, "livenessProbe", "httpGet", "path")).statusCode()).isEqualTo(200);
        assertThat(bot.get((String) at(container, "startupProbe", "httpGet", "path")).statusCode()).isEqualTo(200);
    }

    @Test
    void rollingUpgradesAndNodeDrainsKeepAReplicaServing() {
        Map<String, Object> spec = map(at(manifests.deployment(), "spec"));
        Map<String, Object> pdb = manifests.only("PodDisruptionBudget");
        Map<String, Object> antiAffinity = map(at(manifests.podSpec(), "affinity", "podAntiAffinity"));

        assertThat(at(spec, "strategy", "rollingUpdate", "maxUnavailable")).isEqualTo(0);
        assertThat(at(pdb, "spec", "minAvailable")).isEqualTo(1);
        assertThat(map(at(pdb, "spec", "selector", "matchLabels"))).isEqualTo(manifests.podLabels());
        assertThat(map(at(spec, "selector", "matchLabels"))).isEqualTo(manifests.podLabels());
        Map<String, Object> term = map(at(map(list(at(antiAffinity,
                "preferredDuringSchedulingIgnoredDuringExecution")).getFirst()), "podAffinityTerm"));
        assertThat(term.get("topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat(map(at(term, "labelSelector", "matchLabels"))).isEqualTo(manifests.podLabels());
    }

    @Test
    void theImageRunsTheJarAsBinOpsbotDoesAndHasOpsbotOnItsPathForExec() {
        String dockerfile = Manifests.text(ROOT.resolve("Dockerfile"));

        // The jar's manifest enables native access, for `java -jar` only: no flag needed, none given.
        assertThat(dockerfile).containsPattern("ENTRYPOINT \\[[^]]*\"-jar\", \"/app/opsbot.jar\"\\]")
                .doesNotContain("--enable-native-access");
        // bin/opsbot finds opsbot.jar beside its bin/: `kubectl exec … -- opsbot validate` (docs/deployment.md).
        assertThat(dockerfile).containsPattern("(?m)^COPY .*bin/opsbot bin/$").contains("ENV PATH=/app/bin:$PATH");
    }

    @Test
    void theContainerRunsAsTheImagesUserWithOnlyDataAndTmpWritable() {
        Dockerfile image = Dockerfile.read(ROOT.resolve("Dockerfile"));
        Map<String, Object> pod = map(at(manifests.podSpec(), "securityContext"));
        Map<String, Object> container = map(at(manifests.container(), "securityContext"));
        Pod mounts = new Pod(dir);

        assertThat(pod).containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", image.uid())
                .containsEntry("runAsGroup", image.gid());
        assertThat(container).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        // The image writes its class-data archive next to where SQLite would live.
        assertThat(mounts.emptyDirCovering(image.sharedArchiveFile())).as(image.sharedArchiveFile()).isTrue();
        assertThat(mounts.emptyDirCovering("/tmp/hsperfdata_opsbot")).isTrue();
        assertThat(image.workdir()).isEqualTo("/app");
    }

    @Test
    void kustomizeBuildsItAndThePodsMountTheGeneratedConfigMaps() throws Exception {
        Path kubectl = onPath("kubectl");
        assumeTrue(kubectl != null, "kubectl is not installed here");
        Process build = new ProcessBuilder(kubectl.toString(), "kustomize", KUSTOMIZE.toString())
                .redirectErrorStream(true).start();
        String rendered = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor()).as(rendered).isZero();

        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml(new LoaderOptions()).loadAll(rendered).forEach(d -> docs.add(map(d)));
        Set<String> configMaps = new HashSet<>();
        docs.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).forEach(d -> configMaps.add((String) at(d, "metadata", "name")));
        Map<String, Object> deployment = docs.stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
        Set<String> mounted = new HashSet<>();
        for (Object v : list(at(deployment, "spec", "template", "spec", "volumes"))) {
            Object configMap = map(v).get("configMap");
            if (configMap != null) {
                mounted.add((String) at(configMap, "name"));
            }
        }

        // Names with a content hash: a changed opsbot.yaml rolls the pods.
        assertThat(mounted).hasSize(2).allMatch(n -> n.matches("opsbot-(config|runbooks)-[a-z0-9]{10}"));
        assertThat(configMaps).isEqualTo(mounted);
        assertThat(docs).noneMatch(d -> "Secret".equals(d.get("kind")));
    }

    @Test
    void twoReplicasStartingTogetherOnAnEmptyPostgreSqlDatabaseMigrateItOnce() throws Exception {
        assumeTrue(TestDatabases.dialects().contains(Dialect.POSTGRESQL), "needs OPSBOT_TEST_POSTGRES_URL");
        String url = freshPostgresSchema();

        var first = CompletableFuture.supplyAsync(() -> Database.open(url));
        var second = CompletableFuture.supplyAsync(() -> Database.open(url));
        try (Database a = first.get(); Database b = second.get()) {
            assertThat(a.isUp()).isTrue();
            assertThat(b.isUp()).isTrue();
        }

        try (var c = DriverManager.getConnection(url); var s = c.createStatement();
             var rs = s.executeQuery("SELECT version, count(*) AS n FROM flyway_schema_history"
                     + " WHERE version IS NOT NULL GROUP BY version")) {
            int versions = 0;
            while (rs.next()) {
                versions++;
                assertThat(rs.getInt("n")).as("migration " + rs.getString("version")).isEqualTo(1);
            }
            try (var files = Files.list(ROOT.resolve("commands/src/main/resources/db/migration/postgresql"))) {
                assertThat(versions).isEqualTo(files.count());
            }
        }
    }

    /** Runs {@code opsbot serve} through {@link Main} with the Deployment's environment and mounts. */
    private Bot serveAsTheDeployment() {
        Map<String, String> env = new HashMap<>(new Pod(dir).environment());
        // What only a cluster has, replaced by loopback: the database, a port of our own, and a
        // Slack that cannot be reached (no request leaves this machine).
        env.put("OPSBOT_DB", TestDatabases.dialects().contains(Dialect.POSTGRESQL)
                ? freshPostgresSchema() : TestDatabases.sqliteUrl());
        // A free port rather than 0: the runbook's checks call the bot on ${OPSBOT_PORT}.
        env.put("OPSBOT_PORT", String.valueOf(freePort()));
        env.put("SLACK_API_URL", "http://127.0.0.1:" + freePort() + "/api/");
        List<Bot> bots = new ArrayList<>();
        StringWriter err = new StringWriter();

        int code = new CommandLine(new Main(env, Main.validators(env), (settings, config, runbooks, source) -> {
            Bot bot = Bot.start(settings, config, runbooks, Clock.systemUTC());
            bots.add(bot);
            started.add(bot);
            return 0;
        })).setErr(new PrintWriter(err)).execute("serve");

        assertThat(code).as(err.toString()).isZero();
        return bots.getFirst();
    }

    /** A schema of its own on the test server, as the default schema of the URL's connections. */
    private String freshPostgresSchema() {
        String schema = TestDatabases.schema("deploy_");
        try (var c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        started.add(() -> {
            try (var c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); var s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        });
        String url = TestDatabases.POSTGRES_URL;
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(local(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI local(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String slackState(HttpResponse<String> readiness) {
        try {
            JsonNode body = JSON.readTree(readiness.body());
            return body.at("/checks/slack/status").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static Path onPath(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(folder, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment as the bot sees it, noting every variable it asks for. */
    private static Map<String, String> recording(Map<String, String> env, Set<String> read) {
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, String>> entrySet() {
                return env.entrySet();
            }

            @Override
            public String get(Object key) {
                read.add((String) key);
                return env.get(key);
            }

            @Override
            public boolean containsKey(Object key) {
                read.add((String) key);
                return env.containsKey(key);
            }
        };
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/kubernetes/kustomization.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("deploy/kubernetes/kustomization.yaml not found above " + Path.of("").toAbsolutePath());
    }

    // ---- reading YAML as plain maps and lists ----------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    static Object at(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            current = map(current).get(key);
            assertThat(current).as(String.join(".", keys)).isNotNull();
        }
        return current;
    }

    /** deploy/kubernetes as {@code kubectl apply -k} would assemble it, plus the example Secret. */
    static final class Manifests {
        final Map<String, Object> kustomization;
        final List<Map<String, Object>> resources;
        /** Generated ConfigMaps: name → key → content. */
        final Map<String, Map<String, String>> configMaps;
        final Map<String, Object> secretExample;

        private Manifests(Map<String, Object> kustomization, List<Map<String, Object>> resources,
                          Map<String, Map<String, String>> configMaps, Map<String, Object> secretExample) {
            this.kustomization = kustomization;
            this.resources = resources;
            this.configMaps = configMaps;
            this.secretExample = secretExample;
        }

        static Manifests read(Path folder) {
            Map<String, Object> kustomization = map(load(folder.resolve("kustomization.yaml")).getFirst());
            List<Map<String, Object>> resources = new ArrayList<>();
            for (Object file : list(at(kustomization, "resources"))) {
                load(folder.resolve((String) file)).forEach(doc -> resources.add(map(doc)));
            }
            Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
            for (Object generator : list(at(kustomization, "configMapGenerator"))) {
                Map<String, String> keys = new LinkedHashMap<>();
                for (Object file : list(at(generator, "files"))) {
                    Path path = folder.resolve((String) file);
                    keys.put(path.getFileName().toString(), text(path));
                }
                configMaps.put((String) at(generator, "name"), keys);
            }
            Map<String, Object> secret = map(load(folder.resolve("secret.example.yaml")).getFirst());
            return new Manifests(kustomization, resources, configMaps, secret);
        }

        Map<String, Object> only(String kind) {
            var found = resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
            assertThat(found).as("resources of kind " + kind).hasSize(1);
            return found.getFirst();
        }

        Map<String, Object> deployment() {
            return only("Deployment");
        }

        Map<String, Object> podSpec() {
            return map(at(deployment(), "spec", "template", "spec"));
        }

        Map<String, Object> podLabels() {
            return map(at(deployment(), "spec", "template", "metadata", "labels"));
        }

        Map<String, Object> container() {
            List<Object> containers = list(at(podSpec(), "containers"));
            assertThat(containers).hasSize(1);
            return map(containers.getFirst());
        }

        /** A probe's or Service's port, by number or by name, as the container's port number. */
        int containerPort(Object port) {
            for (Object p : list(at(container(), "ports"))) {
                Map<String, Object> declared = map(p);
                if (port.equals(declared.get("name")) || port.equals(declared.get("containerPort"))) {
                    return (Integer) declared.get("containerPort");
                }
            }
            throw new AssertionError("the container declares no port " + port);
        }

        /** The container's env, with secretKeyRefs filled from the example Secret. */
        Map<String, String> environment() {
            Map<String, Object> secretValues = map(at(secretExample, "stringData"));
            Map<String, String> env = new LinkedHashMap<>();
            for (Object entry : list(at(container(), "env"))) {
                Map<String, Object> variable = map(entry);
                String name = (String) variable.get("name");
                if (variable.containsKey("value")) {
                    env.put(name, String.valueOf(variable.get("value")));
                } else {
                    String key = (String) at(variable, "valueFrom", "secretKeyRef", "key");
                    env.put(name, (String) at(secretValues, key));
                }
            }
            return env;
        }

        /** opsbot.yaml from its generated ConfigMap, parsed by the bot. */
        OpsbotConfig config() {
            return ConfigParser.parse(configMaps.get("opsbot-config").get("opsbot.yaml"), "opsbot.yaml").require();
        }

        /** Ingress path → backend. */
        Map<String, Object> ingressPaths() {
            Map<String, Object> paths = new LinkedHashMap<>();
            for (Object rule : list(at(only("Ingress"), "spec", "rules"))) {
                for (Object path : list(at(rule, "http", "paths"))) {
                    paths.put((String) at(path, "path"), at(path, "backend"));
                }
            }
            return paths;
        }

        private static List<Object> load(Path file) {
            List<Object> docs = new ArrayList<>();
            new Yaml(new LoaderOptions()).loadAll(text(file)).forEach(doc -> {
                if (doc != null) {
                    docs.add(doc);
                }
            });
            return docs;
        }

        static String text(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The pod's volumes laid out in a folder as the kubelet lays them out (a ConfigMap's keys are
     * symlinks into a timestamped folder through {@code ..data}), and the container's env with
     * paths under its mounts pointing there.
     */
    private static final class Pod {
        private final Path root;
        private final Map<String, Path> mounts = new LinkedHashMap<>();
        private final Set<String> emptyDirs = new HashSet<>();

        Pod(Path root) {
            this.root = root;
            Map<String, Object> volumes = new HashMap<>();
            for (Object v : list(at(manifests.podSpec(), "volumes"))) {
                volumes.put((String) at(v, "name"), v);
            }
            for (Object m : list(at(manifests.container(), "volumeMounts"))) {
                Map<String, Object> mount = map(m);
                assertThat(mount).as("subPath mounts never see a changed ConfigMap").doesNotContainKey("subPath");
                String name = (String) mount.get("name");
                Map<String, Object> volume = map(volumes.get(name));
                Path local = root.resolve("volumes").resolve(name);
                if (volume.containsKey("configMap")) {
                    String configMap = (String) at(volume, "configMap", "name");
                    assertThat(manifests.configMaps).as("generated ConfigMaps").containsKey(configMap);
                    materialise(local, manifests.configMaps.get(configMap));
                } else {
                    assertThat(volume).as(name).containsKey("emptyDir");
                    createDirectories(local);
                    emptyDirs.add((String) mount.get("mountPath"));
                }
                mounts.put((String) mount.get("mountPath"), local);
            }
        }

        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            manifests.environment().forEach((name, value) -> env.put(name, local(value)));
            return env;
        }

        boolean emptyDirCovering(String containerPath) {
            return emptyDirs.stream().anyMatch(m -> containerPath.startsWith(m + "/"));
        }

        private String local(String containerPath) {
            for (var mount : mounts.entrySet()) {
                if (containerPath.equals(mount.getKey())) {
                    return mount.getValue().toString();
                }
                if (containerPath.startsWith(mount.getKey() + "/")) {
                    return mount.getValue().resolve(containerPath.substring(mount.getKey().length() + 1)).toString();
                }
            }
            return containerPath;
        }

        private static void materialise(Path folder, Map<String, String> keys) {
            try {
                Path timestamped = Files.createDirectories(folder.resolve("..2026_11_22_13_00_00.000000001"));
                for (var key : keys.entrySet()) {
                    Files.writeString(timestamped.resolve(key.getKey()), key.getValue());
                }
                Files.createSymbolicLink(folder.resolve("..data"), timestamped.getFileName());
                for (String key : keys.keySet()) {
                    Files.createSymbolicLink(folder.resolve(key), Path.of("..data", key));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void createDirectories(Path folder) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The facts of the repository's Dockerfile the manifests must agree with. */
    private record Dockerfile(int uid, int gid, int exposedPort, String sharedArchiveFile, String workdir) {
        static Dockerfile read(Path file) {
            String text = Manifests.text(file);
            Matcher user = find(text, "(?m)^USER (\\d+):(\\d+)$");
            Matcher workdir = find(text, "(?m)^WORKDIR (\\S+)$");
            String lastWorkdir = workdir.group(1);
            while (workdir.find()) {
                lastWorkdir = workdir.group(1);
            }
            return new Dockerfile(Integer.parseInt(user.group(1)), Integer.parseInt(user.group(2)),
                    Integer.parseInt(find(text, "(?m)^EXPOSE (\\d+)$").group(1)),
                    find(text, "-XX:SharedArchiveFile=([^\"\\s]+)").group(1), lastWorkdir);
        }

        private static Matcher find(String text, String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            assertThat(m.find()).as("Dockerfile: " + regex).isTrue();
            return m;
        }
    }
}
