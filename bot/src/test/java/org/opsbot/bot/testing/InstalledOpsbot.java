package org.opsbot.bot.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The {@code opsbot} command as a person runs it: the repository's own {@code bin/opsbot}, with
 * {@code opsbot.jar} beside its {@code bin/} as in the Docker image. The jar is built from the
 * manifest file the build puts in the real jar ({@code bot/src/main/manifest/MANIFEST.MF}:
 * native access), plus a Main-Class and a Class-Path naming this build's classes and libraries,
 * since the tests run before {@code package} makes the real one.
 */
public final class InstalledOpsbot {
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    private final Path home;

    private InstalledOpsbot(Path home) {
        this.home = home;
    }

    /** Lays out {@code dir/bin/opsbot} and {@code dir/opsbot.jar}. */
    public static InstalledOpsbot in(Path dir) {
        try {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path script = Files.copy(ROOT.resolve("bin/opsbot"), bin.resolve("opsbot"));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Manifest manifest;
            try (InputStream in = Files.newInputStream(ROOT.resolve("bot/src/main/manifest/MANIFEST.MF"))) {
                manifest = new Manifest(in);
            }
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.put(Attributes.Name.MAIN_CLASS, "org.opsbot.bot.Main");
            main.put(Attributes.Name.CLASS_PATH, String.join(" ", BotProcess.applicationClasspath().stream()
                    .map(e -> Path.of(e).toUri().toString()).toList()));
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve("opsbot.jar")), manifest)) {
                jar.flush();
            }
            return new InstalledOpsbot(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path command() {
        return home.resolve("bin/opsbot");
    }

    /** What a finished command printed. */
    public record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /**
     * Runs {@code opsbot args…} in {@code workDir} with only {@code env} (plus HOME and LANG, and
     * PATH unless {@code env} sets it): nothing of this JVM's environment, tokens least of all.
     */
    public Run run(Path workDir, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile(workDir, "opsbot-", ".out");
            Path err = Files.createTempFile(workDir, "opsbot-", ".err");
            Process p = start(workDir, env, out, err, args);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("opsbot " + String.join(" ", args) + " did not finish within 120 s\n"
                        + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Starts {@code opsbot args…} as {@link #run} does, with stdout and stderr going to {@code log}. */
    public Process start(Path workDir, Map<String, String> env, Path log, String... args) {
        return start(workDir, env, log, log, args);
    }

    private Process start(Path workDir, Map<String, String> env, Path out, Path err, String... args) {
        List<String> command = new ArrayList<>(List.of(command().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        if (out.equals(err)) {
            builder.redirectErrorStream(true).redirectOutput(out.toFile());
        } else {
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        }
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("HOME", System.getProperty("user.home"));
        environment.put("LANG", "C.UTF-8");
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDK or JRE older than 21 installed on this machine (Debian's default 17, say), if any. */
    public static Optional<Path> olderJava() {
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && !Files.isSymbolicLink(h))
                    .filter(h -> major(h).filter(m -> m < 21).isPresent())
                    .sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> major(Path home) {
        try {
            return Files.readAllLines(home.resolve("release")).stream()
                    .filter(l -> l.startsWith("JAVA_VERSION=\""))
                    .map(l -> l.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0])
                    .map(Integer::parseInt).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A folder of links to the programs named, found on this JVM's PATH: a PATH with nothing else on it. */
    public static Path onlyPrograms(Path dir, String... programs) {
        try {
            Path bin = Files.createDirectories(dir);
            for (String program : programs) {
                Path found = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                        .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst()
                        .orElseThrow(() -> new AssertionError(program + " is not on PATH"));
                Files.createSymbolicLink(bin.resolve(program), found);
            }
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
