package org.opsbot.commands.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run report as the terminal prints it ({@code opsbot check}), plain or as JSON. */
public final class ReportText {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportText() {
    }

    /** Aligned lines: a header with the overall status and summary, then one line per check. */
    public static String plain(RunReport report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-5s %s — %s: %s (%s)%n", report.status(), report.runbook(), report.title(),
                report.summary(), Numbers.duration(report.duration())));
        int width = report.results().stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (CheckResult r : report.results()) {
            out.append(String.format("  %-5s %-" + width + "s  %s  [%s]%n", r.status(), r.name(), r.message(),
                    Numbers.duration(r.duration())));
        }
        return out.toString();
    }

    /** The report as a JSON document; field names are stable for scripts. */
    public static String json(RunReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("runbook", report.runbook());
        root.put("title", report.title());
        root.put("actor", report.actor());
        root.put("status", report.status().name());
        root.put("summary", report.summary());
        root.put("startedAt", report.startedAt().toString());
        root.put("durationMs", report.duration().toMillis());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (CheckResult r : report.results()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", r.name());
            c.put("kind", r.kind());
            c.put("status", r.status().name());
            c.put("observed", r.observed().orElse(null));
            c.put("value", r.value().orElse(null));
            c.put("threshold", r.threshold().orElse(null));
            c.put("message", r.message());
            c.put("durationMs", r.duration().toMillis());
            checks.add(c);
        }
        root.put("checks", checks);
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
