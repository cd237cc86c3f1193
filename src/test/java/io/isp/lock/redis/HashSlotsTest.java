package io.isp.lock.redis;

import io.isp.lock.support.RedisCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Hash slots: computed as Redis Cluster does, and a tag for every slot")
class HashSlotsTest {

  /** Keys a lock key may look like: plain, hash-tagged, empty or broken tags, unicode, the prefix's own "::". */
  private static final List<String> KEYS = List.of("", "a", "abc", "p::abc", "p::{user}:a", "p::{user}:b", "{user}:a",
    "p::{}x", "p::{}{x}", "p::{x}{y}", "p::{", "p::}", "p::}{x}", "p::{x", "p::x}y{z}", "{}", "{{}}", "{{x}}",
    "p::schlüssel-ключ-鍵-🔒", "p::{🔒}tag", "p::a b\tc\nd", "p::foo:{bar}", "123456789");

  @Test
  @DisplayName("the reference vectors: CRC16 of '123456789' is 0x31C3; tags hash by their content only")
  void referenceValues() {
    assertThat(HashSlots.crc16("123456789".getBytes(), 0, 9)).isEqualTo(0x31C3);
    assertThat(HashSlots.slot("{user}:a")).isEqualTo(HashSlots.slot("user")).isEqualTo(HashSlots.slot("x{user}y"));
    assertThat(HashSlots.slot("{}user")).isNotEqualTo(HashSlots.slot("user"));
  }

  @Test
  @DisplayName("the README's examples: orders/42 in slot 11955 with tag 46A, {user}:a by user in slot 5474 with tag 0bi")
  void documentedExamples() {
    assertThat(HashSlots.slot("isp-lock-service::orders/42")).isEqualTo(11955);
    assertThat(HashSlots.tag(11955)).isEqualTo("46A");
    assertThat(HashSlots.slot("isp-lock-service::{user}:a")).isEqualTo(5474);
    assertThat(HashSlots.tag(5474)).isEqualTo("0bi");
  }

  @Test
  @DisplayName("every slot has a short tag of letters and digits, and {tag} hashes to that slot")
  void tagPerSlot() {
    Set<String> tags = new HashSet<>();
    for (int slot = 0; slot < HashSlots.SLOTS; slot++) {
      String tag = HashSlots.tag(slot);
      assertThat(tag).matches("[0-9a-zA-Z]{1,3}");
      assertThat(HashSlots.slot("prefix:fence:{" + tag + "}:any{key}")).as(tag).isEqualTo(slot);
      tags.add(tag);
    }
    assertThat(tags).hasSize(HashSlots.SLOTS);
  }

  @Test
  @DisplayName("for many keys, our slot equals CLUSTER KEYSLOT of a real cluster, and so does the tag's")
  void matchesRedis() {
    RedisCluster cluster = RedisCluster.shared();
    List<String> keys = new ArrayList<>(KEYS);
    Random random = new Random(16);
    for (int i = 0; i < 200; i++) {
      StringBuilder key = new StringBuilder("isp-lock-service::");
      int length = random.nextInt(12);
      for (int c = 0; c < length; c++) {
        // ASCII with braces likely, and now and then a code point beyond the BMP
        key.appendCodePoint(random.nextInt(10) == 0 ? 0x1F300 + random.nextInt(200) : "ab{}:-x9 ".charAt(random.nextInt(9)));
      }
      keys.add(key.toString());
    }
    for (String key : keys) {
      int slot = cluster.keySlot(key);
      assertThat(HashSlots.slot(key)).as("slot of '%s'", key).isEqualTo(slot);
      assertThat(cluster.keySlot("p:fence:{" + HashSlots.tag(slot) + "}")).as("tag of '%s'", key).isEqualTo(slot);
    }
  }
}
