package io.envkeeper.environment;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map of at most {@code maxEntries} entries, for what is kept in memory only to save a
 * read (tombstones, READY rows, owners of environments): past the bound an arbitrary entry makes
 * room, so a caller that misses reads the source again. No order is kept; none is needed.
 */
public final class BoundedMap<K, V> {

  private final Map<K, V> entries = new ConcurrentHashMap<>();
  private final int maxEntries;

  public BoundedMap(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  public V get(K key) {
    return entries.get(key);
  }

  public void put(K key, V value) {
    if (entries.size() >= maxEntries && !entries.containsKey(key)) {
      Iterator<K> any = entries.keySet().iterator();
      if (any.hasNext()) {
        any.next();
        any.remove();
      }
    }
    entries.put(key, value);
  }

  public void remove(K key) {
    entries.remove(key);
  }

  /** Removes the entry only while it still maps to {@code value}. */
  public void remove(K key, V value) {
    entries.remove(key, value);
  }

  public void clear() {
    entries.clear();
  }
}
