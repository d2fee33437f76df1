package dev.arbiter.scaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Curves as one CSV table: a row per point, so any plotting tool can redraw them. */
public final class CurveCsv {
    public static final String HEADER = "curve,metric,point,x,y,ci_low,ci_high";

    private CurveCsv() {}

    /** Writes through a temporary file and a rename, so a killed run never leaves half a table. */
    public static void write(Path file, List<Curve> curves) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Curve c : curves) {
            for (Curve.Point p : c.points()) {
                b.append(cell(c.name())).append(',').append(cell(c.metric())).append(',').append(cell(p.label())).append(',')
                        .append(num(p.x())).append(',').append(num(p.y())).append(',').append(num(p.low())).append(',')
                        .append(num(p.high())).append('\n');
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dev.arbiter.OutputFiles.tempBeside(file);
        Files.writeString(tmp, b, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v); // exact: the CSV is data, not a display
    }

    private static String cell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
