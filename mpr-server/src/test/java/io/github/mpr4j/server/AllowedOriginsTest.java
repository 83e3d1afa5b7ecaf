package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** MPR_CALLBACK_ALLOWED_ORIGINS: reading the list and matching an Origin header against it. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AllowedOriginsTest {

  private static AllowedOrigins read(String list) {
    return ServerConfig.fromEnvironment(Map.of("MPR_CALLBACK_ALLOWED_ORIGINS", list)).callback().allowedOrigins();
  }

  @Test
  void unset_allows_every_origin() {
    AllowedOrigins any = ServerConfig.fromEnvironment(Map.of()).callback().allowedOrigins();
    assertFalse(any.restricted());
    assertTrue(any.allows("https://anything.example"));
  }

  @Test
  void entries_are_normalized_without_case_trailing_slash_or_default_port() {
    assertEquals(Set.of("https://app.example.com", "http://localhost:8080"),
        read(" https://APP.example.com:443/ , http://localhost:8080 ").origins());
  }

  @Test
  void an_origin_matches_whatever_its_case_and_a_written_out_default_port() {
    AllowedOrigins list = read("https://app.example.com,http://localhost:8080");
    assertTrue(list.allows("https://app.example.com"));
    assertTrue(list.allows("HTTPS://App.Example.Com:443"));
    assertTrue(list.allows("http://localhost:8080"));
    assertFalse(list.allows("http://localhost"));
    assertFalse(list.allows("https://app.example.com.evil.example"));
    assertFalse(list.allows("https://evil.example/https://app.example.com"));
    assertFalse(list.allows("not an origin"));
    assertFalse(list.allows("null"));
  }

  @Test
  void a_request_without_an_origin_header_passes_a_list() {
    assertTrue(read("https://app.example.com").allows(null));
  }

  @Test
  void the_opaque_origin_null_passes_only_when_listed() {
    assertTrue(read("null").allows("null"));
  }

  @Test
  void an_entry_that_is_not_an_origin_stops_start_up_naming_the_variable() {
    for (String bad : new String[] {"app.example.com", "ftp://app.example.com", "https://app.example.com/path",
        "https://app.example.com?x=1", " , ", "https://user@app.example.com"}) {
      assertEquals("MPR_CALLBACK_ALLOWED_ORIGINS", assertThrows(ConfigurationException.class, () -> read(bad),
          bad).variable(), bad);
    }
  }
}
