package dev.arbiter.scaling;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws curves with their 95% bands as PNG and SVG: one colour per curve, markers on the measured
 * points, the band shaded behind the line, y as a percentage, x on a log-2 axis when compute doubles.
 */
public final class CurvePlot {
    public static final int WIDTH = 960;
    public static final int HEIGHT = 600;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    /** What the figure says about itself. */
    public record Labels(String title, String subtitle, String xLabel, String yLabel, boolean log2X) {}

    private CurvePlot() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public static JFreeChart chart(Labels labels, List<Curve> curves) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        double top = 0;
        for (Curve c : curves) {
            YIntervalSeries s = new YIntervalSeries(c.name());
            for (Curve.Point p : c.points()) {
                if (!Double.isNaN(p.y())) {
                    s.add(p.x(), p.y(), p.low(), p.high());
                    top = Math.max(top, p.high());
                }
            }
            data.addSeries(s);
        }
        ValueAxis x;
        if (labels.log2X()) {
            LogAxis log = new LogAxis(labels.xLabel());
            log.setBase(2);
            log.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            log.setNumberFormatOverride(new DecimalFormat("#,##0"));
            log.setSmallestValue(0.5);
            x = log;
        } else {
            NumberAxis lin = new NumberAxis(labels.xLabel());
            lin.setAutoRangeIncludesZero(false);
            x = lin;
        }
        NumberAxis y = new NumberAxis(labels.yLabel());
        y.setRange(0, Math.min(1.0, Math.max(0.1, top * 1.1)) + 1e-9);
        NumberFormat pct = NumberFormat.getPercentInstance(Locale.ROOT);
        y.setNumberFormatOverride(pct);
        y.setTickUnit(new NumberTickUnit(top > 0.5 ? 0.1 : top > 0.2 ? 0.05 : 0.02, pct));
        DeviationRenderer r = new DeviationRenderer(true, true);
        r.setAlpha(0.18f);
        for (int i = 0; i < curves.size(); i++) {
            Color col = PALETTE[i % PALETTE.length];
            r.setSeriesPaint(i, col);
            r.setSeriesFillPaint(i, col);
            r.setSeriesStroke(i, new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(labels.title(), new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (labels.subtitle() != null && !labels.subtitle().isBlank()) {
            chart.addSubtitle(new TextTitle(labels.subtitle(), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        }
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        Font axisFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        x.setLabelFont(axisFont);
        y.setLabelFont(axisFont);
        return chart;
    }

    /** The chart as an SVG document. */
    public static String svg(JFreeChart chart) {
        try {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
            return g.getSVGDocument();
        } catch (RuntimeException | Error e) {
            throw cannotDraw(e);
        }
    }

    /**
     * Java's 2D renderer measures text with the machine's fonts and fails on one that has none (a bare
     * GPU host, a slim container): that is said as what it is and what cures it, not as an internal
     * error. Any other failure is rethrown as it was.
     */
    private static dev.arbiter.run.RunException cannotDraw(Throwable e) {
        if (!fontless(e)) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e;
        }
        return new dev.arbiter.run.RunException("the curves could not be drawn: Java's 2D renderer found no usable fonts (" + e
                + "); install fontconfig and a font (Debian: apt-get install fontconfig fonts-dejavu-core)");
    }

    /** Whether a failure is the font system's: its message says so, or it was thrown inside it. */
    static boolean fontless(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("font")) {
                return true;
            }
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith("sun.font.") || f.getClassName().startsWith("sun.awt.FontConfiguration")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes {@code stem}.png and {@code stem}.svg, each through a temporary file and a rename. */
    public static void write(Path stem, Labels labels, List<Curve> curves) throws IOException {
        JFreeChart chart = chart(labels, curves);
        Path dir = stem.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path png = dir.resolve(stem.getFileName() + ".png");
        Path tmp = dev.arbiter.OutputFiles.tempBeside(png);
        try {
            ChartUtils.saveChartAsPNG(tmp.toFile(), chart, WIDTH, HEIGHT);
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw cannotDraw(e);
        }
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String doc = svg(chart);
        Path svgTmp = dev.arbiter.OutputFiles.tempBeside(dir.resolve(stem.getFileName() + ".svg"));
        Files.writeString(svgTmp, doc, StandardCharsets.UTF_8);
        Files.move(svgTmp, dir.resolve(stem.getFileName() + ".svg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
