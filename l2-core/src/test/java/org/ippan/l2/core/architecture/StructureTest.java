package org.ippan.l2.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.ippan.l2.core.engine.Sequencer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of {@code l2-core}, checked with the JDK's own {@code jdeps} on the compiled main classes: no package
 * depends on a package that depends on it back (directly or through others), and no class (with its nested classes)
 * takes part in a circle of class dependencies. The same check by hand:
 * {@code jdeps -verbose:class -filter:none -e 'org\.ippan\..*' <classes without module-info.class>}.
 */
class StructureTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(org\\.ippan\\.\\S+)\\s+->\\s+(org\\.ippan\\.\\S+)");
    private static final Map<String, Set<String>> CLASSES = new TreeMap<>();
    private static final Map<String, Set<String>> PACKAGES = new TreeMap<>();

    @BeforeAll
    static void readDependencies() throws IOException, URISyntaxException {
        Path classes = Paths.get(Sequencer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path copy = Files.createTempDirectory("l2-core-classes");
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class")).forEach(p -> {
                try {
                    Path target = copy.resolve(classes.relativize(p).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none", "-e",
                "org\\.ippan\\..*", copy.toString());
        assertThat(exit).as("jdeps: %s", out).isZero();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String from = topLevel(m.group(1));
            String to = topLevel(m.group(2));
            if (!from.equals(to)) {
                CLASSES.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            }
            String fromPackage = packageOf(from);
            String toPackage = packageOf(to);
            if (!fromPackage.equals(toPackage)) {
                PACKAGES.computeIfAbsent(fromPackage, k -> new TreeSet<>()).add(toPackage);
            }
        }
        assertThat(CLASSES).as("jdeps found the core's classes").containsKey(Sequencer.class.getName());
    }

    @Test
    void noPackageOfTheCoreDependsOnAPackageThatDependsOnItBack() {
        assertThat(circles(PACKAGES)).as("package dependencies:%n%s", PACKAGES).isEmpty();
    }

    @Test
    void noClassOfTheCoreIsInACircleOfDependencies() {
        assertThat(circles(CLASSES)).isEmpty();
    }

    @Test
    void theInternalPackageDependsOnNothingAboveIt() {
        assertThat(PACKAGES.getOrDefault("org.ippan.l2.core.internal", Set.of()))
                .noneMatch(p -> p.startsWith("org.ippan.l2.core."));
    }

    @Test
    void theFacadeStaysSmall() throws IOException {
        Path source = Paths.get("src/main/java/org/ippan/l2/core/engine/Sequencer.java");
        try (Stream<String> lines = Files.lines(source)) {
            assertThat(lines.count()).as("lines of %s", source).isLessThanOrEqualTo(400);
        }
    }

    private static String topLevel(String className) {
        int nested = className.indexOf('$');
        return nested < 0 ? className : className.substring(0, nested);
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** @return the strongly connected components with more than one node (Tarjan's algorithm, iterative) */
    static List<Set<String>> circles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> circles = new ArrayList<>();
        int[] counter = {0};
        for (String root : graph.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Map.Entry<String, java.util.Iterator<String>>> work = new ArrayDeque<>();
            visit(root, index, low, stack, onStack, counter, graph, work);
            while (!work.isEmpty()) {
                Map.Entry<String, java.util.Iterator<String>> top = work.peek();
                String node = top.getKey();
                if (top.getValue().hasNext()) {
                    String next = top.getValue().next();
                    if (!index.containsKey(next)) {
                        visit(next, index, low, stack, onStack, counter, graph, work);
                    } else if (onStack.contains(next)) {
                        low.put(node, Math.min(low.get(node), index.get(next)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = work.peek().getKey();
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(index.get(node))) {
                    Set<String> component = new TreeSet<>();
                    String member;
                    do {
                        member = stack.pop();
                        onStack.remove(member);
                        component.add(member);
                    } while (!member.equals(node));
                    if (component.size() > 1) {
                        circles.add(component);
                    }
                }
            }
        }
        return circles;
    }

    private static void visit(String node, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, int[] counter, Map<String, Set<String>> graph,
            Deque<Map.Entry<String, java.util.Iterator<String>>> work) {
        index.put(node, counter[0]);
        low.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
        work.push(Map.entry(node, graph.getOrDefault(node, Set.of()).iterator()));
    }

    @Test
    void circles_findsACircleAndIgnoresALine() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", Set.of("b"));
        graph.put("b", Set.of("c"));
        graph.put("c", Set.of("a", "d"));
        graph.put("d", Set.of("e"));
        assertThat(circles(graph)).containsExactly(new TreeSet<>(Set.of("a", "b", "c")));
        graph.put("c", Set.of("d"));
        assertThat(circles(graph)).isEmpty();
    }
}
