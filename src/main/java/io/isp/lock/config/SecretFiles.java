package io.isp.lock.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the secrets that the {@code *File} keys name (a Kubernetes or compose secret mounted as a
 * file), once, at start-up. The file's permissions are not checked: the platform that mounts it
 * owns them. A file that is missing, unreadable, not UTF-8 or empty is a {@link ConfigException}
 * naming the key and the path, never the content.
 */
final class SecretFiles {

  private SecretFiles() {
  }

  /**
   * The whole file, less its trailing line breaks ({@code \n} or {@code \r\n}, as editors and
   * {@code echo} leave them): a password may hold spaces, even at its ends, but never a line break.
   */
  static String password(String key, String path) {
    String text = read(key, path).replaceFirst("[\r\n]+$", "");
    if (text.isEmpty()) {
      throw new ConfigException(key + ": " + path + " is empty; leave " + key + " unset for no password");
    }
    return text;
  }

  /**
   * One token a line, each trimmed; blank lines and lines whose first non-blank character is
   * {@code #} are left out (a {@code #} inside a token is part of it). A file with no token is
   * refused: an empty {@code http.tokens} would turn authentication off, silently.
   */
  static List<String> tokens(String key, String path) {
    List<String> tokens = read(key, path).lines()
      .map(String::strip)
      .filter(line -> !line.isEmpty() && !line.startsWith("#"))
      .toList();
    if (tokens.isEmpty()) {
      throw new ConfigException(key + ": " + path + " holds no token (only blank lines and # comments);"
        + " leave " + key + " unset instead");
    }
    return tokens;
  }

  private static String read(String key, String path) {
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(key + ": cannot read " + path
        + (Files.exists(file) ? " (not a regular file)" : " (no such file)"));
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new ConfigException(key + ": " + path + " is not UTF-8 text");
    } catch (IOException e) {
      // the exception's own message names only the path and the reason (e.g. permission denied)
      throw new ConfigException(key + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
