package io.natsj.server.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test helper: reads the Prometheus text exposition format (0.0.4) as a scraper does: {@code # HELP} and
 * {@code # TYPE} lines, and samples {@code name{label="value",...} value}.
 */
final class PromText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> helps = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                p.types.put(parts[0], parts[1]);
            } else if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                p.helps.put(parts[0], parts[1]);
            } else if (!line.startsWith("#")) {
                p.samples.add(sample(line));
            }
        }
        return p;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace < 0 || brace > space) {
            name = line.substring(0, space);
        } else {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // after ="
                while (line.charAt(j) != '"') {
                    if (line.charAt(j) == '\\') {
                        j++;
                    }
                    value.append(line.charAt(j++));
                }
                labels.put(line.substring(i, eq), value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}. */
    Optional<Double> value(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(labels.entrySet())).toList();
        if (found.size() > 1) {
            throw new AssertionError("several samples of " + name + " with " + labels + ": " + found);
        }
        return found.stream().findFirst().map(Sample::value);
    }
}
