package org.opsbot.commands.incident;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.ConditionalTemplateConfigurationFactory;
import freemarker.cache.FileNameGlobMatcher;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.ParseException;
import freemarker.core.TemplateConfiguration;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders an incident's postmortem from a FreeMarker template: {@code postmortem-<severity>.md.ftl}
 * when there is one, else {@code postmortem.md.ftl}; a file in the templates folder wins over the
 * bundled one of the same name. Rendered from the stored timeline each time, so a second
 * rendering shows what happened since the first.
 */
public final class Postmortems {
    static final String TEMPLATE = "postmortem.md.ftl";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Incidents incidents;
    private final Configuration freemarker;
    private final Clock clock;

    public Postmortems(Incidents incidents, Path templatesDir, Clock clock) {
        this.incidents = incidents;
        this.freemarker = configuration(templatesDir);
        this.clock = clock;
    }

    /** A rendered postmortem: its file name and Markdown, and the template it came from. */
    public record Rendered(String fileName, String markdown, String template) {
    }

    public Rendered render(long incidentId) {
        Incident incident = incidents.require(incidentId);
        String name = templateName(incident.severity());
        Template template;
        try {
            template = freemarker.getTemplate(name);
        } catch (ParseException e) {
            throw new PostmortemException("Template " + e.getTemplateName() + ", line " + e.getLineNumber() + ": "
                    + e.getEditorMessage(), e);
        } catch (IOException e) {
            throw new PostmortemException("Template " + name + " could not be read: " + e.getMessage(), e);
        }
        StringWriter out = new StringWriter();
        try {
            template.process(model(incident), out);
        } catch (TemplateException e) {
            throw new PostmortemException("Template " + Optional.ofNullable(e.getTemplateSourceName()).orElse(name)
                    + ", line " + e.getLineNumber() + ": " + firstLine(e.getMessageWithoutStackTop()), e);
        } catch (IOException e) {
            throw new PostmortemException("Template " + name + " could not be written: " + e.getMessage(), e);
        }
        return new Rendered("postmortem-incident-" + incident.id() + ".md", out.toString(), name);
    }

    private String templateName(String severity) {
        String specific = "postmortem-" + severity + ".md.ftl";
        try {
            return freemarker.getTemplateLoader().findTemplateSource(specific) != null ? specific : TEMPLATE;
        } catch (IOException e) {
            return TEMPLATE;
        }
    }

    /** What templates see; every time is text in UTC and every duration is text, so templates stay simple. */
    Map<String, Object> model(Incident incident) {
        List<TimelineEntry> timeline = incidents.timeline(incident.id());
        Optional<Severity> severity = incidents.severityOf(incident);
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("id", incident.id());
        i.put("title", incident.title());
        i.put("severity", incident.severity());
        i.put("severityDescription", severity.map(Severity::description).orElse(""));
        i.put("team", incident.team().orElse(""));
        i.put("commander", incident.commander());
        i.put("declaredBy", incident.declaredBy());
        i.put("state", incident.state().name().toLowerCase(Locale.ROOT));
        i.put("declaredAt", TIME.format(incident.declaredAt()));
        i.put("acknowledgedAt", incident.ackedAt().map(TIME::format).orElse(""));
        i.put("acknowledgedBy", incident.ackedBy().orElse(""));
        i.put("mitigatedAt", incident.mitigatedAt().map(TIME::format).orElse(""));
        i.put("resolvedAt", incident.resolvedAt().map(TIME::format).orElse(""));
        i.put("resolvedBy", incident.resolvedBy().orElse(""));

        Map<String, Object> durations = new LinkedHashMap<>();
        durations.put("toAcknowledge", incident.timeToAcknowledge().map(Postmortems::duration).orElse("not acknowledged"));
        durations.put("toMitigate", incident.timeToMitigate().map(Postmortems::duration).orElse("not mitigated yet"));
        durations.put("toResolve", incident.timeToResolve().map(Postmortems::duration).orElse("not resolved yet"));
        durations.put("acknowledgeTarget", severity.map(s -> duration(s.ackWithin())).orElse(""));
        durations.put("acknowledgedInTime", severity.flatMap(s -> incident.timeToAcknowledge()
                .map(t -> t.compareTo(s.ackWithin()) <= 0)).orElse(false));

        List<Map<String, Object>> lines = new ArrayList<>();
        Set<String> people = new LinkedHashSet<>();
        people.add(incident.declaredBy());
        people.add(incident.commander());
        for (TimelineEntry e : timeline) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("at", TIME.format(e.at()));
            line.put("sinceDeclared", duration(Duration.between(incident.declaredAt(), e.at())));
            line.put("actor", e.actor());
            line.put("kind", e.kind());
            line.put("text", e.text());
            line.put("source", e.source());
            lines.add(line);
            if (e.actor().matches("[UW][A-Z0-9]{2,}")) {
                people.add(e.actor());
            }
        }

        List<Map<String, Object>> groups = new ArrayList<>();
        for (StoredAlertGroup g : incidents.linkedGroups(incident.id())) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("id", g.id());
            group.put("title", g.title());
            group.put("team", g.route().team());
            group.put("state", g.state().name().toLowerCase(Locale.ROOT));
            List<Map<String, Object>> alerts = new ArrayList<>();
            for (StoredAlert a : incidents.alerts(g.id())) {
                Map<String, Object> alert = new LinkedHashMap<>();
                alert.put("name", a.labels().getOrDefault("alertname", a.fingerprint()));
                alert.put("status", a.status().toLowerCase(Locale.ROOT));
                alert.put("summary", a.firedAnnotations().getOrDefault("summary", ""));
                alert.put("startsAt", TIME.format(Instant.ofEpochMilli(a.startsAt())));
                alert.put("endsAt", a.endsAt() == null ? "" : TIME.format(Instant.ofEpochMilli(a.endsAt())));
                alerts.add(alert);
            }
            group.put("alerts", alerts);
            groups.add(group);
        }

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("incident", i);
        model.put("durations", durations);
        model.put("people", List.copyOf(people));
        model.put("timeline", lines);
        model.put("alertGroups", groups);
        model.put("generatedAt", TIME.format(clock.instant()));
        return model;
    }

    /** "45s", "4m 30s", "2h 05m", "3d 4h": short enough for a phone, exact enough for a report. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
        }
        if (s < 86_400) {
            long m = (s % 3600) / 60;
            return (s / 3600) + "h" + (m == 0 ? "" : String.format(Locale.ROOT, " %02dm", m));
        }
        long h = (s % 86_400) / 3600;
        return (s / 86_400) + "d" + (h == 0 ? "" : " " + h + "h");
    }

    private static Configuration configuration(Path templatesDir) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        List<TemplateLoader> loaders = new ArrayList<>();
        if (templatesDir != null && Files.isDirectory(templatesDir)) {
            try {
                loaders.add(new FileTemplateLoader(templatesDir.toFile()));
            } catch (IOException e) {
                throw new PostmortemException("The templates folder " + templatesDir + " cannot be read: " + e.getMessage(), e);
            }
        }
        loaders.add(new ClassTemplateLoader(Postmortems.class, "/templates"));
        cfg.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
        // A postmortem is Markdown: what incidents, people and alerts wrote is escaped for
        // Markdown in every ${…} (Slack's escaping would show as &lt; there), ?no_esc prints as is.
        cfg.setRegisteredCustomOutputFormats(List.of(MarkdownOutputFormat.INSTANCE));
        TemplateConfiguration markdown = new TemplateConfiguration();
        markdown.setOutputFormat(MarkdownOutputFormat.INSTANCE);
        cfg.setTemplateConfigurations(new ConditionalTemplateConfigurationFactory(new FileNameGlobMatcher("*.md.ftl"), markdown));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        // Errors surface with template name and line instead of half-rendered output.
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        // An edited template is read again on the next rendering, without a restart.
        cfg.setTemplateUpdateDelayMilliseconds(0);
        return cfg;
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        // FreeMarker adds a tip section after a line of dashes; the problem itself comes first.
        int tip = m.indexOf("\n----");
        return (tip > 0 ? m.substring(0, tip) : m).replaceAll("\\s*\\n\\s*", " ").strip();
    }
}
