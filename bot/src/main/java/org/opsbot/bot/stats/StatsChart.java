package org.opsbot.bot.stats;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.opsbot.commands.stats.TeamStats;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The picture of a period: pages by hour of the day (when people were woken), and the median
 * time to acknowledge per day against the target. One PNG, two charts stacked, sized for a
 * phone's width in Slack's preview.
 */
final class StatsChart {
    static final int WIDTH = 900;
    private static final int CHART_HEIGHT = 320;
    private static final Color PAGES = new Color(0xE0, 0x1E, 0x5A);
    private static final Color ACK = new Color(0x36, 0xC5, 0xF0);
    private static final Color TARGET = new Color(0x9E, 0x9E, 0x9E);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d", Locale.ENGLISH);

    static {
        // A server has no display; Java2D draws into memory all the same.
        System.setProperty("java.awt.headless", "true");
    }

    private StatsChart() {
    }

    /** Team and first day, so a channel's charts sort by week. */
    static String fileName(TeamStats s) {
        return "opsbot-stats-" + s.team().orElse("all").replaceAll("[^A-Za-z0-9_-]", "_") + "-" + s.period().first() + ".png";
    }

    static byte[] png(TeamStats stats) {
        BufferedImage image = new BufferedImage(WIDTH, CHART_HEIGHT * 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, CHART_HEIGHT * 2);
            pagesByHour(stats).draw(g, new java.awt.Rectangle(0, 0, WIDTH, CHART_HEIGHT));
            ackByDay(stats).draw(g, new java.awt.Rectangle(0, CHART_HEIGHT, WIDTH, CHART_HEIGHT));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static JFreeChart pagesByHour(TeamStats stats) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int hour = 0; hour < 24; hour++) {
            data.addValue(stats.pagesByHour().get(hour), "Pages", String.format(Locale.ROOT, "%02d", hour));
        }
        JFreeChart chart = ChartFactory.createBarChart("Pages by hour of the day (" + stats.period().zone().getId() + ")",
                "Hour", "Pages", data, PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, PAGES);
        plain(chart);
        plot.getRangeAxis().setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        return chart;
    }

    private static JFreeChart ackByDay(TeamStats stats) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (TeamStats.DayAck day : stats.ackByDay()) {
            String label = DAY.format(day.day());
            data.addValue(day.median().map(d -> d.toSeconds() / 60.0).orElse(null), "Median time to acknowledge", label);
            data.addValue(day.target().map(d -> d.toSeconds() / 60.0).orElse(null), "Target", label);
        }
        JFreeChart chart = ChartFactory.createLineChart("Time to acknowledge per day (minutes)", "Day", "Minutes", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LineAndShapeRenderer lines = (LineAndShapeRenderer) plot.getRenderer();
        lines.setSeriesPaint(0, ACK);
        lines.setSeriesShapesVisible(0, true);
        lines.setSeriesPaint(1, TARGET);
        lines.setSeriesStroke(1, new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                10f, new float[]{6f, 4f}, 0f));
        if (stats.ackByDay().size() > 14) {
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        }
        plain(chart);
        return chart;
    }

    private static void plain(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setOutlineVisible(false);
    }
}
