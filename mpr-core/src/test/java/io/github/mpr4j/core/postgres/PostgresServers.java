package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers for tests: {@code initdb} and {@code postgres} from Debian's {@code postgresql}
 * package, in a temporary directory, on a free loopback port, with trust authentication for the user
 * {@code mpr}. One shared server per test JVM (started on first use, stopped when the JVM exits) and private
 * ones for tests that stop or kill PostgreSQL. PostgreSQL refuses to run as root: as root (CI), the server runs
 * as the {@code postgres} system user the package creates (else {@code nobody}) through {@code runuser}.
 * The README's test command installs the package.
 */
public final class PostgresServers {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Server shared;

  private PostgresServers() {}

  /** The shared server. */
  public static synchronized Server shared() {
    if (shared == null || !shared.isRunning()) {
      shared = Server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A private server; close it when done. */
  public static Server start() {
    return Server.start();
  }

  /** The directory of {@code initdb} and {@code postgres}: the newest {@code /usr/lib/postgresql/N/bin}, else the PATH. */
  static Path binaries() {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        Optional<Path> newest = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
            .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
        if (newest.isPresent()) {
          return newest.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "initdb")) && Files.isExecutable(Path.of(dir, "postgres"))) {
        return Path.of(dir);
      }
    }
    throw new IllegalStateException("initdb and postgres were not found: the PostgreSQL tests start their own"
        + " server; install it (Debian: apt-get install postgresql) or run the README's test command, which does");
  }

  private static int version(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The system user the server runs as when the tests run as root. */
  private static String serverUser() {
    try {
      Process p = new ProcessBuilder("id", "-u", "postgres").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? "postgres" : "nobody";
    } catch (IOException e) {
      return "nobody";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "nobody";
    }
  }

  /** One PostgreSQL server: a data directory and a postmaster. */
  public static final class Server implements AutoCloseable {
    private final Path dir;
    private final Path data;
    private final int port;
    private final String runAs;
    private Process process;

    private Server(Path dir, int port, String runAs) {
      this.dir = dir;
      this.data = dir.resolve("data");
      this.port = port;
      this.runAs = runAs;
    }

    static Server start() {
      try {
        Path dir = Files.createTempDirectory("postgres-test-");
        String runAs = root() ? serverUser() : null;
        if (runAs != null) {
          // the server's user must own its directory; the tests (root) can still read its log
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
          UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
          Files.setOwner(dir, owner);
        }
        Server s = new Server(dir, LoopbackPorts.free(), runAs);
        s.run(List.of(binaries().resolve("initdb").toString(), "-D", s.data.toString(), "-U", "mpr",
            "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"), 120);
        s.launch();
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private List<String> asServerUser(List<String> command) {
      if (runAs == null) {
        return command;
      }
      List<String> c = new ArrayList<>(List.of("runuser", "-u", runAs, "--"));
      c.addAll(command);
      return c;
    }

    private void run(List<String> command, int seconds) throws IOException {
      Process p = new ProcessBuilder(asServerUser(command)).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("initdb.log").toFile()).start();
      try {
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new IllegalStateException(command.get(0) + " failed: " + read("initdb.log"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private void launch() {
      List<String> command = List.of(binaries().resolve("postgres").toString(), "-D", data.toString(),
          "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(),
          "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
          "-c", "log_min_messages=warning");
      try {
        process = new ProcessBuilder(asServerUser(command)).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile())).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "mpr", "")) {
          return;
        } catch (SQLException e) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("postgres did not start on port " + port + ": "
                + read("postgres.log"), e);
          }
        }
        sleep(50);
      }
    }

    private String read(String log) {
      try {
        return Files.readString(dir.resolve(log));
      } catch (IOException e) {
        return "(no " + log + ")";
      }
    }

    /** The loopback port. */
    public int port() {
      return port;
    }

    /** A JDBC URL of a database on this server (user {@code mpr}, any password). */
    public String jdbcUrl(String database) {
      return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new, empty database on this server, and its JDBC URL. */
    public String newDatabase() {
      String name = "mpr_test_" + DATABASES.incrementAndGet();
      try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "mpr", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create a test database", e);
      }
      return jdbcUrl(name);
    }

    public boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** The postmaster's process id, from its pid file. */
    private long postmasterPid() throws IOException {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    }

    /** Kills the postmaster with SIGKILL, as a crash would; its backends end when they notice. */
    public void kill() {
      try {
        signal("KILL");
      } finally {
        waitFor(15);
      }
    }

    /** Starts the server again on the same port and data (after {@link #kill()} or {@link #stop()}). */
    public void restart() {
      if (isRunning()) {
        stop();
      }
      launch();
    }

    /** A fast shutdown (SIGINT): sessions are ended, nothing committed is lost. */
    public void stop() {
      if (isRunning()) {
        signal("INT");
        waitFor(30);
      }
    }

    /** Stops the postmaster and every backend with SIGSTOP: the server hangs (its sockets stay open); {@link #resume()}. */
    public void pause() {
      signalAll("STOP");
    }

    /** Continues a server {@link #pause() paused} (SIGCONT to the postmaster and its backends). */
    public void resume() {
      signalAll("CONT");
    }

    private void signalAll(String name) {
      try {
        long pid = postmasterPid();
        List<String> command = new ArrayList<>(List.of("kill", "-" + name, Long.toString(pid)));
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> command.add(Long.toString(d.pid()))));
        Process k = new ProcessBuilder(command).redirectErrorStream(true).start();
        k.getInputStream().readAllBytes();
        k.waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void signal(String name) {
      try {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(postmasterPid())).redirectErrorStream(true)
            .start();
        k.getInputStream().readAllBytes();
        k.waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void waitFor(int seconds) {
      try {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // a postmaster killed with SIGKILL leaves its backends for a moment: wait until the port is free
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!LoopbackPorts.isFree(port) && System.nanoTime() < deadline) {
        sleep(50);
      }
    }

    @Override
    public void close() {
      stop();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory: left for the OS
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
