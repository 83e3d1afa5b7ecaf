package io.github.mpr4j.core.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MongoSettingsTest {

  @Test
  void defaults_are_database_mpr_no_prefix_two_seconds_and_majority() {
    MongoSettings s = MongoSettings.of("mongodb://db1:27017");

    assertEquals("mpr", s.database());
    assertEquals("", s.collectionPrefix());
    assertEquals(Duration.ofSeconds(2), s.timeout());
    assertEquals(MongoSettings.Acknowledgement.MAJORITY, s.writeConcern());
  }

  @Test
  void the_connection_strings_database_path_names_the_database() {
    assertEquals("MessagePickupRepository",
        MongoSettings.of("mongodb://u:p@db1:27017/MessagePickupRepository?authSource=admin").database());
    assertEquals("mpr", MongoSettings.of("mongodb://db1:27017/?replicaSet=rs0").database());
    assertEquals("other", MongoSettings.of("mongodb://db1:27017/MessagePickupRepository").withDatabase("other").database());
  }

  @Test
  void describe_and_to_string_never_show_the_password() {
    MongoSettings s = MongoSettings.of("mongodb://user:s3cret@db1:27017,db2:27018/?replicaSet=rs0")
        .withCollectionPrefix("t_").withWriteConcern(MongoSettings.Acknowledgement.PRIMARY);

    assertEquals("mongodb(mongodb://db1:27017,db2:27018/mpr prefix=t_ w=1)", s.describe());
    assertFalse(s.toString().contains("s3cret"));
  }

  @Test
  void a_malformed_connection_string_is_refused_without_echoing_it() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MongoSettings.of("http://user:s3cret@db1"));

    assertFalse(e.getMessage().contains("s3cret"));
    assertTrue(e.getMessage().contains("mongodb://"));
  }

  @Test
  void bad_database_names_and_timeouts_are_refused() {
    MongoSettings s = MongoSettings.of("mongodb://db1");

    assertThrows(IllegalArgumentException.class, () -> s.withDatabase(""));
    assertThrows(IllegalArgumentException.class, () -> s.withDatabase("a.b"));
    assertThrows(IllegalArgumentException.class, () -> s.withCollectionPrefix("$x"));
    assertThrows(IllegalArgumentException.class, () -> s.withTimeout(Duration.ZERO));
  }
}
