package org.opsbot.bot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Names the JVM's class-data archive after the build of the bot and the JDK that runs it, for
 * {@code ./mvnw package -Prun}; the Docker image's entrypoint ({@code bin/cds-java}) follows the
 * same rule in shell.
 *
 * <p>An archive ({@code -XX:+AutoCreateSharedArchive}) is only valid for the jars whose times and
 * sizes it recorded. After a rebuild the JVM refuses it, and (JDK 25 at least) does not write a
 * new one in its place, so every later start runs without one, about a second slower. With a
 * name per build there is no stale archive to refuse: the first start of a new build finds
 * none and writes its own when it stops, and the older builds' archives are removed.
 *
 * <p>{@code java -cp opsbot.jar org.opsbot.bot.ClassDataArchive JAR TEMPLATE ARGFILE} writes to
 * ARGFILE (a java {@code @argfile}) {@code -XX:SharedArchiveFile=} for an archive in TEMPLATE's
 * folder named TEMPLATE's name plus the build and JDK, e.g. {@code opsbot-1f0c33ab-jdk25.0.3+9-LTS.jsa}.
 */
public final class ClassDataArchive {
    private ClassDataArchive() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ClassDataArchive JAR TEMPLATE.jsa ARGFILE");
            System.exit(2);
        }
        Path template = Path.of(args[1]).toAbsolutePath();
        Path archive = forBuild(Path.of(args[0]), template, Runtime.version().toString());
        removeOthers(template, archive);
        Files.writeString(Path.of(args[2]), "\"-XX:SharedArchiveFile=" + archive + "\"\n", StandardCharsets.UTF_8);
    }

    /**
     * The archive for this build: {@code template}'s name with a checksum of what the JVM checks
     * (each jar's name, modification time and size: the bot's jar and its {@code libs/}) and the
     * JDK's version inserted before {@code .jsa}.
     */
    static Path forBuild(Path jar, Path template, String jdkVersion) throws IOException {
        List<Path> jars = new ArrayList<>(List.of(jar));
        Path libs = jar.toAbsolutePath().resolveSibling("libs");
        if (Files.isDirectory(libs)) {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(libs, "*.jar")) {
                found.forEach(jars::add);
            }
        }
        jars.subList(1, jars.size()).sort(null);
        CRC32 crc = new CRC32();
        for (Path j : jars) {
            String line = j.getFileName() + " " + Files.getLastModifiedTime(j).toMillis() + " " + Files.size(j) + "\n";
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        String build = HexFormat.of().toHexDigits((int) crc.getValue());
        String jdk = jdkVersion.replaceAll("[^A-Za-z0-9.+_-]", "_");
        return template.resolveSibling(stem(template) + "-" + build + "-jdk" + jdk + ".jsa");
    }

    /** Removes the archives of other builds (and the unnamed {@code template} itself) next to {@code keep}. */
    static void removeOthers(Path template, Path keep) throws IOException {
        Path folder = template.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(folder, stem(template) + "*.jsa")) {
            for (Path a : archives) {
                if (!a.getFileName().equals(keep.getFileName())) {
                    Files.deleteIfExists(a);
                }
            }
        }
    }

    private static String stem(Path template) {
        String name = template.getFileName().toString();
        return name.endsWith(".jsa") ? name.substring(0, name.length() - ".jsa".length()) : name;
    }
}
