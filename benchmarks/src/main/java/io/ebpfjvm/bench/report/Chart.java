package io.ebpfjvm.bench.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A horizontal grouped bar chart in SVG: one group per program and packet mix, one bar per
 * runner, ns per packet on a logarithmic axis (the runners differ by orders of magnitude).
 */
final class Chart {
    private static final String[] RUNNERS = {"interp", "jit", "java", "kernel"};
    private static final String[] COLOURS = {"#9e9e9e", "#1f77b4", "#2ca02c", "#d62728"};
    private static final int BAR = 9;
    private static final int LEFT = 150;
    private static final int WIDTH = 760;
    private static final int PLOT = WIDTH - LEFT - 70;

    private final List<Measurement> all;

    Chart(List<Measurement> all) {
        this.all = all.stream().filter(m -> m.threads() == 1).toList();
    }

    String svg() {
        Set<String> groups = new LinkedHashSet<>();
        all.forEach(m -> groups.add(m.program() + " / " + m.mix()));
        double min = all.stream().mapToDouble(Measurement::nsPerPacket).min().orElse(1);
        double max = all.stream().mapToDouble(Measurement::nsPerPacket).max().orElse(10);
        double lo = Math.pow(10, Math.floor(Math.log10(Math.max(min, 0.1))));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        int groupHeight = RUNNERS.length * BAR + 8;
        int top = 40;
        int height = top + groups.size() * groupHeight + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"10\" y=\"18\" font-size=\"14\">ns per packet (log scale, lower is better)</text>\n");
        for (int i = 0; i < RUNNERS.length; i++) {
            int x = LEFT + i * 110;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"26\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"35\">%s</text>%n",
                x, COLOURS[i], x + 14, RUNNERS[i]));
        }
        for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
            double x = LEFT + scale(tick, lo, hi);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", x, top, x, height - 30));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, height - 16, Table.fmt(tick)));
        }
        int y = top;
        for (String group : groups) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + groupHeight / 2 + 2, group));
            for (int i = 0; i < RUNNERS.length; i++) {
                String runner = RUNNERS[i];
                var m = all.stream().filter(x -> (x.program() + " / " + x.mix()).equals(group) && x.runner().equals(runner)).findFirst();
                if (m.isPresent()) {
                    double w = Math.max(1, scale(m.get().nsPerPacket(), lo, hi));
                    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", LEFT, y + i * BAR, w, BAR - 1, COLOURS[i]));
                    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\">%s</text>%n", LEFT + w + 3, y + i * BAR + 8, Table.fmt(m.get().nsPerPacket())));
                }
            }
            y += groupHeight;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double scale(double v, double lo, double hi) {
        return PLOT * (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    }
}
