package org.opsbot.commands.incident;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;

import java.io.IOException;
import java.io.Writer;
import java.util.regex.Pattern;

/**
 * FreeMarker's output format for Markdown documents (the postmortem): every {@code ${…}} of a
 * {@code .md.ftl} template is escaped for Markdown, so an incident title, an update or an alert's
 * summary reads as the text it is, whatever it holds ({@code *}, {@code <script>}, {@code [a](b)},
 * {@code |} in a table cell). A value is inline text: line breaks become spaces, and a value that
 * would start a heading, a list or a quote does not. {@code ?no_esc} prints a value as it is.
 */
public final class MarkdownOutputFormat extends CommonMarkupOutputFormat<MarkdownOutputFormat.Markup> {
    public static final MarkdownOutputFormat INSTANCE = new MarkdownOutputFormat();

    // CommonMark's backslash escapes: the punctuation that is markup anywhere in a line.
    private static final String INLINE = "\\`*_[]<>|~&";
    // Block markers, markup only where a line starts ("# ", "- ", "+ ", "1. ", "1) "); ">" is escaped anyway.
    private static final Pattern LEADING_MARKER = Pattern.compile("^(\\s*)([#+\\-]|\\d{1,9}(?=[.)]))");
    private static final Pattern LINE_BREAKS = Pattern.compile("\\R");

    private MarkdownOutputFormat() {
    }

    @Override
    public String getName() {
        return "Markdown";
    }

    @Override
    public String getMimeType() {
        return "text/markdown";
    }

    @Override
    public void output(String textToEscape, Writer out) throws IOException {
        out.write(escapePlainText(textToEscape));
    }

    @Override
    public String escapePlainText(String plainText) {
        String text = LINE_BREAKS.matcher(plainText).replaceAll(" ");
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (INLINE.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        var leading = LEADING_MARKER.matcher(out);
        if (leading.find()) {
            // "1." stays "1." but as "1\.": the escape goes before the character that makes the marker.
            int at = leading.group(2).chars().allMatch(Character::isDigit) ? leading.end(2) : leading.start(2);
            out.insert(at, '\\');
        }
        return out.toString();
    }

    @Override
    public boolean isLegacyBuiltInBypassed(String builtInName) {
        return false;
    }

    @Override
    protected Markup newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
        return new Markup(plainTextContent, markupContent);
    }

    /** A piece of Markdown in a template: escaped text, or markup a template made. */
    public static final class Markup extends CommonTemplateMarkupOutputModel<Markup> {
        Markup(String plainTextContent, String markupContent) {
            super(plainTextContent, markupContent);
        }

        @Override
        public MarkdownOutputFormat getOutputFormat() {
            return INSTANCE;
        }
    }
}
