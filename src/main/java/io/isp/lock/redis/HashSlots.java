package io.isp.lock.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis Cluster's key-to-slot mapping, exactly as Redis computes it (cluster.c, keyHashSlot): CRC16
 * (XMODEM) of the key's UTF-8 bytes modulo 16,384, where a key holding a hash tag, a non-empty text
 * between the first '{' and the first '}' after it, hashes by that text alone.
 *
 * <p>{@link #tag} gives, for every slot, a short text that hashes to it, so that an internal key
 * {@code ...{tag}...} lands in the same slot as any lock key. The table is built the same way on every
 * node (shortest first, then in {@link #ALPHABET} order) and is part of the storage layout: changing it
 * would move every fencing counter.
 */
public final class HashSlots {

  public static final int SLOTS = 16_384;
  static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final int[] CRC_TABLE = crcTable();
  private static final String[] TAGS = tags();

  private HashSlots() {
  }

  /** The slot of {@code key}, hash tags respected. */
  public static int slot(String key) {
    return slot(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The slot of {@code key}'s bytes, hash tags respected. */
  public static int slot(byte[] key) {
    int open = indexOf(key, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(key, (byte) '}', open + 1);
      if (close > open + 1) {
        return crc16(key, open + 1, close) & (SLOTS - 1);
      }
    }
    return crc16(key, 0, key.length) & (SLOTS - 1);
  }

  /** The slot every key of a command must share, or -1 when they do not share one. */
  public static int commonSlot(List<byte[]> keys) {
    int slot = -1;
    for (byte[] key : keys) {
      int next = slot(key);
      if (slot != -1 && next != slot) {
        return -1;
      }
      slot = next;
    }
    return slot;
  }

  /** A short text (letters and digits) whose hash is {@code slot}: {@code "{" + tag(s) + "}"} makes a key hash to s. */
  public static String tag(int slot) {
    return TAGS[slot];
  }

  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
    }
    return crc;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** CRC-16/XMODEM: polynomial 0x1021, initial value 0, as in Redis's crc16.c. */
  private static int[] crcTable() {
    int[] table = new int[256];
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      table[i] = crc & 0xffff;
    }
    return table;
  }

  /** Texts of 1, 2, 3, ... characters, in order, until every slot has one; three characters suffice. */
  private static String[] tags() {
    String[] tags = new String[SLOTS];
    int found = 0;
    for (int length = 1; found < SLOTS; length++) {
      int combinations = (int) Math.pow(ALPHABET.length(), length);
      byte[] text = new byte[length];
      for (int n = 0; n < combinations && found < SLOTS; n++) {
        int rest = n;
        for (int i = length - 1; i >= 0; i--) {
          text[i] = (byte) ALPHABET.charAt(rest % ALPHABET.length());
          rest /= ALPHABET.length();
        }
        int slot = crc16(text, 0, length) & (SLOTS - 1);
        if (tags[slot] == null) {
          tags[slot] = new String(text, StandardCharsets.US_ASCII);
          found++;
        }
      }
    }
    return tags;
  }
}
