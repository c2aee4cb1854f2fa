package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class-data archive is named per build and JDK, so an upgraded jar never meets the archive
 * of the one before (which the JVM would refuse and not replace), and the old ones go away.
 */
class ClassDataArchiveTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path dir;

    /** The program the test jars run: loads a few classes and exits, so the JVM writes its archive. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println(String.join(",", List.of("hello", "archive")));
        }
    }

    @Test
    void aRebuiltJarOrLibraryGetsAnArchiveOfItsOwn() throws Exception {
        Path jar = jar(dir.resolve("app/opsbot.jar"));
        Files.createDirectories(dir.resolve("app/libs"));
        Path lib = Files.writeString(dir.resolve("app/libs/lib.jar"), "a library");
        Path template = dir.resolve("data/opsbot.jsa");

        Path first = ClassDataArchive.forBuild(jar, template, "25.0.3+9-LTS");
        assertThat(first.getParent()).isEqualTo(template.getParent());
        assertThat(first.getFileName().toString()).matches("opsbot-[0-9a-f]{8}-jdk25\\.0\\.3\\+9-LTS\\.jsa");
        assertThat(ClassDataArchive.forBuild(jar, template, "25.0.3+9-LTS")).as("the same build").isEqualTo(first);
        assertThat(ClassDataArchive.forBuild(jar, template, "21.0.9+10-LTS")).as("another JDK").isNotEqualTo(first);

        Files.setLastModifiedTime(lib, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(ClassDataArchive.forBuild(jar, template, "25.0.3+9-LTS")).as("a library upgraded").isNotEqualTo(first);
        Path afterLib = ClassDataArchive.forBuild(jar, template, "25.0.3+9-LTS");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(120)));
        assertThat(ClassDataArchive.forBuild(jar, template, "25.0.3+9-LTS")).as("the jar rebuilt").isNotEqualTo(afterLib);
    }

    @Test
    void theArchivesOfOtherBuildsAreRemovedAndNothingElse() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path template = data.resolve("opsbot.jsa");
        Path keep = data.resolve("opsbot-0000000b-jdk25.jsa");
        for (String name : List.of("opsbot.jsa", "opsbot-0000000a-jdk25.jsa", keep.getFileName().toString(),
                "opsbot.db", "other.jsa")) {
            Files.writeString(data.resolve(name), "x");
        }
        ClassDataArchive.removeOthers(template, keep);
        try (Stream<Path> left = Files.list(data)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(keep.getFileName().toString(), "opsbot.db", "other.jsa");
        }
    }

    /**
     * The Docker image's entrypoint, run by hand on this JDK: the first start of a build writes
     * its archive when it exits, the second maps it, and after an upgrade the old one is gone.
     */
    @Test
    void theImagesEntrypointMapsTheArchiveOfItsBuildFromTheSecondStartAndRemovesTheOld() throws Exception {
        Path jar = jar(dir.resolve("app/opsbot.jar"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("opsbot.jsa"), "an archive of an older image, unusable");

        Run first = entrypoint(jar, data);
        assertThat(first.output()).contains("hello,archive").doesNotContain("Mapped dynamic region");
        List<Path> archives = archives(data);
        assertThat(archives).as("written at exit, under a name for this build").singleElement()
                .satisfies(a -> assertThat(a.getFileName().toString()).matches("opsbot-\\d+-jdk.+\\.jsa"));

        Run second = entrypoint(jar, data);
        assertThat(second.output()).contains("Opened shared archive file " + archives.getFirst())
                .contains("Mapped dynamic region");

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        Run upgraded = entrypoint(jar, data);
        assertThat(upgraded.output()).doesNotContain("Mapped dynamic region");
        assertThat(archives(data)).singleElement().isNotEqualTo(archives.getFirst());
    }

    private record Run(String output) {
    }

    /** {@code bin/cds-java java <the Dockerfile's CDS flags> -jar JAR}, with the JVM's CDS log on. */
    private Run entrypoint(Path jar, Path data) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/cds-java").toString(), java.toString(),
                "-XX:+UseSerialGC", "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + data.resolve("opsbot.jsa"),
                "-Xlog:cds=info", "-Xlog:cds+dynamic=off", "-jar", jar.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return new Run(output);
    }

    private static List<Path> archives(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    /** A runnable jar holding {@link Hello}. */
    private static Path jar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Hello.class.getName());
        String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream clazz = ClassDataArchiveTest.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            clazz.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
