package io.github.mpr4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the README compiles as shown, against the published modules: each one is put in a
 * method body whose only additions are the imports below and the few names a snippet leaves to the reader
 * ({@code connectionId}, {@code packedMessage}, ...), declared as the README's text describes them.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");

  /** What the README imports implicitly; a type a snippet uses that is not here fails the test. */
  private static final String IMPORTS = String.join("\n",
      "import io.github.mpr4j.client.MprClient;",
      "import io.github.mpr4j.core.PickupQueue;",
      "import io.github.mpr4j.core.embedded.QueueStores;",
      "import io.github.mpr4j.protocol.*;",
      "import io.github.mpr4j.server.testing.MprTestServer;",
      "import java.net.URI;",
      "import java.nio.file.Path;",
      "import java.util.List;");

  /** The names the snippets leave to the reader, as the README describes them. */
  private static final String GIVEN = String.join("\n",
      "String connectionId = \"conn-1\";",
      "String sessionId = \"session-1\";",
      "String recipientDid = \"did:example:recipient\";",
      "String token = \"secret\";",
      "String packedMessage = \"{\\\"protected\\\":\\\"...\\\",\\\"ciphertext\\\":\\\"...\\\"}\";");

  private static Path readme() {
    Path p = Path.of("").toAbsolutePath();
    for (int i = 0; i < 3 && !Files.exists(p.resolve("README.md")); i++) {
      p = p.getParent();
    }
    return p.resolve("README.md");
  }

  static List<String> snippets() throws IOException {
    Matcher m = JAVA_BLOCK.matcher(Files.readString(readme()));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void every_java_snippet_of_the_readme_compiles_as_shown() throws IOException {
    List<String> snippets = snippets();
    assertTrue(snippets.size() >= 3, "the README's Java snippets: " + snippets.size());
    List<JavaFileObject> sources = new ArrayList<>();
    for (int i = 0; i < snippets.size(); i++) {
      String name = "ReadmeSnippet" + i;
      String code = IMPORTS + "\n\nclass " + name + " {\n"
          + "  static void deliverToRecipient(String connectionId, List<QueuedMessage> messages) {}\n\n"
          + "  void run() throws Exception {\n" + GIVEN + "\n" + snippets.get(i) + "\n  }\n}\n";
      sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return code;
        }
      });
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    Path out = Files.createTempDirectory("readme-snippets");
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      boolean ok = javac.getTask(diagnostics, files, null,
          List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none"),
          null, sources).call();
      assertEquals("", diagnostics.toString().strip(), "the README's snippets do not compile as shown");
      assertTrue(ok);
    }
  }
}
