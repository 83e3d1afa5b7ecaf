package io.github.mpr4j.apicheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public API of each published module is its checked-in dump, {@code <module>/api/<module>.api}: what
 * {@code javap -protected -constants} prints for every public class outside the {@code internal} packages, so
 * that each change to the public surface shows in review. {@code bash scripts/update-api.sh} rewrites the dumps.
 */
class PublicApiTest {
  private static final Path ROOT = Path.of(System.getProperty("mpr.api.root", "..")).toAbsolutePath().normalize();
  private static final boolean UPDATE = Boolean.getBoolean("mpr.api.update");
  private static final String UPDATE_COMMAND = "bash scripts/update-api.sh";

  /** The published jar modules: those of the root pom that neither set maven.deploy.skip nor are poms. */
  static List<String> publishedModules() throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      String pom = Files.readString(ROOT.resolve(m.group(1)).resolve("pom.xml"));
      if (!pom.contains("<maven.deploy.skip>true</maven.deploy.skip>") && !pom.contains("<packaging>pom</packaging>")) {
        modules.add(m.group(1));
      }
    }
    return modules;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publishedModules")
  void the_public_api_of_each_published_module_is_its_checked_in_dump(String module) throws IOException {
    Path classes = ROOT.resolve(module).resolve("target/classes");
    assertTrue(Files.isDirectory(classes), classes + " is missing: build " + module + " first");
    String actual = dump(module, classes);
    Path file = ROOT.resolve(module).resolve("api").resolve(module + ".api");
    if (UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.isRegularFile(file), file + " is missing: " + UPDATE_COMMAND + " writes it");
    String expected = Files.readString(file, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      fail("The public API of " + module + " is not " + ROOT.relativize(file) + ". If the change is meant, run "
          + UPDATE_COMMAND + " and commit the dump with it; the lines that differ:\n" + difference(expected, actual));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publishedModules")
  void internal_packages_and_package_private_classes_are_not_in_the_dump(String module) throws IOException {
    Path classes = ROOT.resolve(module).resolve("target/classes");
    String dump = dump(module, classes);
    assertFalse(dump.lines().anyMatch(l -> l.contains(".internal.") && !l.startsWith(" ")), "internal classes in " + module);
    assertFalse(dump.lines().anyMatch(l -> !l.isEmpty() && !l.startsWith(" ") && !l.startsWith("#")
        && !l.startsWith("public ") && !l.equals("}")), "a class that is not public in " + module);
    assertEquals(dump, dump(module, classes), "the dump of " + module + " is not stable");
  }

  /** The dump of one module's classes. */
  static String dump(String module, Path classes) throws IOException {
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names = files.filter(p -> p.toString().endsWith(".class"))
          .map(p -> classes.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.endsWith("module-info.class") && !p.endsWith("package-info.class"))
          .filter(p -> !("/" + p).contains("/internal/"))
          .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
          .sorted()
          .collect(Collectors.toList());
    }
    List<String> blocks = javap(classes, names);
    assertEquals(names.size(), blocks.size(), "javap printed another number of classes than it was given");
    Set<String> publicClasses = new HashSet<>();
    StringBuilder out = new StringBuilder("# The public API of ").append(module)
        .append(": javap -protected -constants of its public classes, internal packages left out.\n")
        .append("# Regenerate with: ").append(UPDATE_COMMAND).append('\n');
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String block = blocks.get(i);
      int nested = name.lastIndexOf('$');
      boolean outerPublic = nested < 0 || publicClasses.contains(name.substring(0, nested));
      if (block.startsWith("public ") && outerPublic) {
        publicClasses.add(name);
        out.append('\n').append(block);
      }
    }
    return out.toString();
  }

  /** javap's output for each class, in the order given, without the "Compiled from" lines. */
  private static List<String> javap(Path classes, List<String> names) {
    ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(() -> new AssertionError("no javap in this JDK"));
    List<String> args = new ArrayList<>(List.of("-protected", "-constants", "-classpath", classes.toString()));
    args.addAll(names);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = javap.run(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
    assertEquals(0, status, "javap failed: " + err);
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : out.toString().split("\r?\n")) {
      if (line.startsWith("Compiled from ")) {
        continue;
      }
      if (block == null) {
        block = new StringBuilder();
      }
      // synchronized is how a method is implemented, not part of what callers see
      block.append(line.startsWith("  ") ? line.replace(" synchronized ", " ") : line).append('\n');
      if (line.equals("}")) {
        blocks.add(block.toString());
        block = null;
      }
    }
    return blocks;
  }

  /** The lines only in the dump ("-") and only in the classes ("+"). */
  private static String difference(String expected, String actual) {
    Set<String> before = new LinkedHashSet<>(expected.lines().collect(Collectors.toList()));
    Set<String> after = new LinkedHashSet<>(actual.lines().collect(Collectors.toList()));
    StringBuilder sb = new StringBuilder();
    before.stream().filter(l -> !after.contains(l)).forEach(l -> sb.append("- ").append(l).append('\n'));
    after.stream().filter(l -> !before.contains(l)).forEach(l -> sb.append("+ ").append(l).append('\n'));
    return sb.length() == 0 ? "(the same lines, in another order)\n" : sb.toString();
  }
}
