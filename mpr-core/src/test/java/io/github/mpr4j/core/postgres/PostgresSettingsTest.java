package io.github.mpr4j.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresSettingsTest {

  @Test
  void a_postgresql_url_gives_the_jdbc_url_and_the_credentials_apart() {
    PostgresSettings s = PostgresSettings.of("postgresql://mediator:s%40cret@db.internal:6432/mpr?sslmode=require");
    assertEquals("jdbc:postgresql://db.internal:6432/mpr?sslmode=require", s.jdbcUrl());
    assertEquals("mediator", s.user());
    assertEquals("s@cret", s.password());
    assertEquals(PostgresSettings.DEFAULT_POOL_SIZE, s.poolSize());
    assertEquals(PostgresSettings.DEFAULT_STATEMENT_TIMEOUT, s.statementTimeout());
  }

  @Test
  void the_postgres_scheme_of_heroku_style_database_urls_is_accepted_too() {
    PostgresSettings s = PostgresSettings.of("postgres://u@127.0.0.1/queue");
    assertEquals("jdbc:postgresql://127.0.0.1/queue", s.jdbcUrl());
    assertEquals("u", s.user());
    assertNull(s.password());
  }

  @Test
  void an_ipv6_host_keeps_its_brackets() {
    assertEquals("jdbc:postgresql://[::1]:5432/mpr", PostgresSettings.of("postgresql://[::1]:5432/mpr").jdbcUrl());
  }

  @Test
  void a_jdbc_url_is_taken_as_it_is() {
    String url = "jdbc:postgresql://127.0.0.1:5432/mpr?user=a&password=b";
    PostgresSettings s = PostgresSettings.of(url);
    assertEquals(url, s.jdbcUrl());
    assertNull(s.user());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://u:hunter2@h/db", "postgresql:///nohost", "not a url hunter2", "jdbc:mysql://h/db"})
  void anything_else_is_refused_without_echoing_it(String url) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PostgresSettings.of(url));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().startsWith("expected a PostgreSQL URL"), e.getMessage());
  }

  @Test
  void the_text_of_the_settings_never_shows_the_password() {
    String text = PostgresSettings.of("postgresql://u:hunter2@h/db?password=hunter2").toString();
    assertFalse(text.contains("hunter2"), text);
    assertTrue(text.contains("password=****"), text);
  }

  @Test
  void the_pool_and_the_timeout_are_checked() {
    PostgresSettings s = PostgresSettings.of("postgresql://h/db");
    assertEquals(3, s.withPoolSize(3).poolSize());
    assertEquals(Duration.ofMillis(250), s.withStatementTimeout(Duration.ofMillis(250)).statementTimeout());
    assertThrows(IllegalArgumentException.class, () -> s.withPoolSize(0));
    assertThrows(IllegalArgumentException.class, () -> s.withStatementTimeout(Duration.ZERO));
  }

  @Test
  void connect_and_socket_timeouts_follow_the_statement_timeout_until_set() {
    PostgresSettings s = PostgresSettings.of("postgresql://u@h/db").withStatementTimeout(Duration.ofMillis(500));
    assertEquals(Duration.ofSeconds(1), s.connectTimeout());
    assertEquals(Duration.ofMillis(2_500), s.socketTimeout());
    assertEquals(3, PostgresSettings.driverSeconds(s.socketTimeout()), "whole seconds for the driver, rounded up");

    PostgresSettings set = s.withConnectTimeout(Duration.ofSeconds(4)).withSocketTimeout(Duration.ofSeconds(9))
        .withStatementTimeout(Duration.ofSeconds(2)).withPoolSize(3);
    assertEquals(Duration.ofSeconds(4), set.connectTimeout());
    assertEquals(Duration.ofSeconds(9), set.socketTimeout());
    assertThrows(IllegalArgumentException.class, () -> s.withSocketTimeout(Duration.ZERO));
  }
}
