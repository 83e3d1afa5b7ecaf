package io.github.mpr4j.apicheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every published package (a package of a published module's classes outside the {@code internal} packages) is
 * {@link NullMarked}: its types are non-null unless annotated {@code @Nullable}, which Kotlin reads as
 * {@code String} versus {@code String?} (docs/api.md). The test reads the annotation from each module's compiled
 * {@code package-info} classes, as a user's compiler does.
 */
class NullMarkedPackagesTest {
  private static final Path ROOT = Path.of(System.getProperty("mpr.api.root", "..")).toAbsolutePath().normalize();

  /**
   * Published packages not annotated yet (their @Nullable parameters and returns still to be marked); a package
   * leaves this list in the commit that annotates it, and the test fails while a listed package is marked.
   */
  private static final Set<String> NOT_YET_MARKED = Set.of(
      "io.github.mpr4j.core.callback",
      "io.github.mpr4j.push",
      "io.github.mpr4j.server",
      "io.github.mpr4j.server.callback",
      "io.github.mpr4j.server.testing");

  static List<String> publishedModules() throws IOException {
    return PublicApiTest.publishedModules();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publishedModules")
  void every_published_package_of_each_module_is_null_marked(String module) throws Exception {
    Path classes = ROOT.resolve(module).resolve("target/classes");
    assertTrue(Files.isDirectory(classes), classes + " is missing: build " + module + " first");
    Set<String> packages = publishedPackages(classes);
    assertFalse(packages.isEmpty(), module + " has no published package");
    Set<String> unmarked = new TreeSet<>();
    Set<String> markedButListed = new TreeSet<>();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        NullMarkedPackagesTest.class.getClassLoader())) {
      for (String p : packages) {
        boolean marked = isNullMarked(loader, p);
        if (!marked && !NOT_YET_MARKED.contains(p)) {
          unmarked.add(p);
        } else if (marked && NOT_YET_MARKED.contains(p)) {
          markedButListed.add(p);
        }
      }
    }
    assertTrue(unmarked.isEmpty(), "packages of " + module + " without @NullMarked in their package-info.java "
        + "(annotate them, and mark what may be null @Nullable): " + unmarked);
    assertTrue(markedButListed.isEmpty(), "packages of " + module + " are @NullMarked but still listed in "
        + "NOT_YET_MARKED (remove them from the list): " + markedButListed);
  }

  @Test
  void the_packages_still_to_mark_exist() throws IOException {
    Set<String> all = new TreeSet<>();
    for (String module : publishedModules()) {
      all.addAll(publishedPackages(ROOT.resolve(module).resolve("target/classes")));
    }
    Set<String> stale = NOT_YET_MARKED.stream().filter(p -> !all.contains(p)).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(stale.isEmpty(), "NOT_YET_MARKED names packages no published module has: " + stale);
  }

  /** The packages that hold classes in a classes directory, the internal ones left out. */
  static Set<String> publishedPackages(Path classes) throws IOException {
    try (Stream<Path> files = Files.walk(classes)) {
      return files.filter(f -> f.toString().endsWith(".class"))
          .map(f -> classes.relativize(f.getParent()).toString().replace('\\', '/'))
          .filter(d -> !d.isEmpty() && !("/" + d + "/").contains("/internal/"))
          .map(d -> d.replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean isNullMarked(ClassLoader loader, String packageName) {
    try {
      return Class.forName(packageName + ".package-info", false, loader).isAnnotationPresent(NullMarked.class);
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
