package io.envkeeper.runtime.watch;

import java.util.Arrays;

/**
 * The entries of one directory in a {@link Manifest}: name, type, size and mtime, in dense parallel
 * arrays with an open-addressing index, names as UTF-8 bytes. About 60 bytes per entry with a
 * typical name, where a {@code HashMap} of records takes over twice that: the manifest of every
 * workspace stays in memory. Subdirectories hang off their entry. Only its watcher's serial
 * executor touches it.
 */
final class ManifestDirectory {

  /** Entry types, as stored. */
  static final byte FILE = 'f';
  static final byte DIRECTORY = 'd';
  static final byte SYMLINK = 'l';
  static final byte OTHER = 'o';
  /** Reported as there, but gone before it could be looked at: its DELETE is on its way. */
  static final byte UNKNOWN = '?';

  private static final byte[][] NO_NAMES = new byte[0][];
  private static final int[] NO_INDEX = new int[0];

  private byte[][] names = NO_NAMES;
  private byte[] types = new byte[0];
  private long[] sizes = new long[0];
  private long[] mtimes = new long[0];
  /** Parallel to the entries; allocated with the first subdirectory. */
  private ManifestDirectory[] children;
  /** Dense position + 1 per slot, 0 when free; a power of two at least twice the count. */
  private int[] index = NO_INDEX;
  private int count;

  int count() {
    return count;
  }

  byte[] name(int position) {
    return names[position];
  }

  byte type(int position) {
    return types[position];
  }

  long size(int position) {
    return sizes[position];
  }

  long mtime(int position) {
    return mtimes[position];
  }

  /** The subdirectory at {@code position}, or null when it has no entries known (or is not a directory). */
  ManifestDirectory child(int position) {
    return children == null ? null : children[position];
  }

  /** The subdirectory at {@code position}, made when missing. The entry must be a DIRECTORY. */
  ManifestDirectory childCreating(int position) {
    if (children == null) {
      children = new ManifestDirectory[names.length];
    }
    ManifestDirectory child = children[position];
    if (child == null) {
      child = new ManifestDirectory();
      children[position] = child;
    }
    return child;
  }

  /** The position of {@code name}, or -1. */
  int find(byte[] name) {
    if (count == 0) {
      return -1;
    }
    int mask = index.length - 1;
    for (int slot = hash(name) & mask; ; slot = (slot + 1) & mask) {
      int entry = index[slot];
      if (entry == 0) {
        return -1;
      }
      if (Arrays.equals(names[entry - 1], name)) {
        return entry - 1;
      }
    }
  }

  /**
   * Sets the entry {@code name}, adding it if new; returns its position. An entry that stops being
   * a directory loses what was known under it.
   */
  int put(byte[] name, byte type, long size, long mtime) {
    int position = find(name);
    if (position < 0) {
      position = append(name);
    }
    types[position] = type;
    sizes[position] = size;
    mtimes[position] = mtime;
    if (type != DIRECTORY && children != null) {
      children[position] = null;
    }
    return position;
  }

  /**
   * Removes the entry at {@code position} (and what was known under it). The last entry moves into
   * its place: positions above it change, positions below do not.
   */
  void removeAt(int position) {
    unindex(position);
    int last = count - 1;
    if (position != last) {
      reindex(last, position);
      names[position] = names[last];
      types[position] = types[last];
      sizes[position] = sizes[last];
      mtimes[position] = mtimes[last];
      if (children != null) {
        children[position] = children[last];
      }
    }
    names[last] = null;
    if (children != null) {
      children[last] = null;
    }
    count = last;
  }

  private int append(byte[] name) {
    if (count == names.length) {
      grow();
    }
    if ((count + 1) * 2 > index.length) {
      rebuildIndex(Math.max(8, Integer.highestOneBit(Math.max(1, (count + 1) * 2 - 1)) << 1));
    }
    int position = count++;
    names[position] = name;
    int mask = index.length - 1;
    int slot = hash(name) & mask;
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = position + 1;
    return position;
  }

  private void grow() {
    int capacity = Math.max(4, names.length + (names.length >> 1));
    names = Arrays.copyOf(names, capacity);
    types = Arrays.copyOf(types, capacity);
    sizes = Arrays.copyOf(sizes, capacity);
    mtimes = Arrays.copyOf(mtimes, capacity);
    if (children != null) {
      children = Arrays.copyOf(children, capacity);
    }
  }

  private void rebuildIndex(int slots) {
    index = new int[slots];
    int mask = slots - 1;
    for (int position = 0; position < count; position++) {
      int slot = hash(names[position]) & mask;
      while (index[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      index[slot] = position + 1;
    }
  }

  /** Frees the slot of {@code position}, shifting later entries of its probe run back (no tombstones). */
  private void unindex(int position) {
    int mask = index.length - 1;
    int hole = slotOf(position);
    for (int slot = (hole + 1) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
      int home = hash(names[index[slot] - 1]) & mask;
      // The entry may fill the hole unless its home lies cyclically in (hole, slot].
      boolean homeBetween = hole <= slot ? (home > hole && home <= slot) : (home > hole || home <= slot);
      if (!homeBetween) {
        index[hole] = index[slot];
        hole = slot;
      }
    }
    index[hole] = 0;
  }

  /** Points the slot of the entry at {@code from} to {@code to}. */
  private void reindex(int from, int to) {
    index[slotOf(from)] = to + 1;
  }

  private int slotOf(int position) {
    int mask = index.length - 1;
    int slot = hash(names[position]) & mask;
    while (index[slot] != position + 1) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private static int hash(byte[] name) {
    int h = Arrays.hashCode(name);
    return h ^ (h >>> 16);
  }
}
