package io.envkeeper.runtime.watch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

/**
 * The bytes of a manifest file: a header (seq, whether an orderly stop wrote it, when), the tree
 * depth-first (per directory its entry count, per entry name, type, size, mtime and, for a
 * directory, whether its entries follow), then the number of entries and a CRC-32 of everything
 * before. A file that does not check out (cut short by a power loss, damaged) is refused as a
 * whole: the start-up then reports an OVERFLOW instead of trusting part of it.
 */
final class ManifestFormat {

  private static final int MAGIC = 0x454B4D46; // "EKMF"
  private static final int VERSION = 1;
  /** Deeper than any tree the walker admits; a damaged file cannot recurse without end. */
  private static final int MAX_DEPTH = 1024;

  /** A manifest read back: its header and its tree. */
  record Decoded(Manifest.Header header, Manifest manifest, long entries) {}

  /** Thrown for bytes that are not a whole, undamaged manifest. */
  static final class InvalidManifestException extends Exception {
    InvalidManifestException(String message) {
      super(message);
    }
  }

  private ManifestFormat() {}

  static byte[] encode(Manifest manifest, Manifest.Header header) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(header.seq());
      out.writeBoolean(header.clean());
      out.writeLong(header.writtenAtMillis());
      long entries = writeDirectory(out, manifest.root());
      out.writeLong(entries);
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static long writeDirectory(DataOutputStream out, ManifestDirectory directory) throws IOException {
    long entries = directory.count();
    out.writeInt(directory.count());
    for (int i = 0; i < directory.count(); i++) {
      byte[] name = directory.name(i);
      out.writeShort(name.length);
      out.write(name);
      out.writeByte(directory.type(i));
      out.writeLong(directory.size(i));
      out.writeLong(directory.mtime(i));
      if (directory.type(i) == ManifestDirectory.DIRECTORY) {
        ManifestDirectory child = directory.child(i);
        boolean nonEmpty = child != null && child.count() > 0;
        out.writeBoolean(nonEmpty);
        if (nonEmpty) {
          entries += writeDirectory(out, child);
        }
      }
    }
    return entries;
  }

  static Decoded decode(byte[] bytes) throws InvalidManifestException {
    if (bytes.length < 4 + 4 + 8 + 1 + 8 + 4 + 8 + 4) {
      throw new InvalidManifestException("too short (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
        | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
    if ((int) crc.getValue() != stored) {
      throw new InvalidManifestException("checksum mismatch");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
    try {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new InvalidManifestException("not a manifest of this version");
      }
      Manifest.Header header = new Manifest.Header(in.readLong(), in.readBoolean(), in.readLong());
      ManifestDirectory root = new ManifestDirectory();
      long entries = readDirectory(in, root, 0);
      if (in.readLong() != entries || in.available() != 0) {
        throw new InvalidManifestException("entry count does not match");
      }
      return new Decoded(header, new Manifest(root), entries);
    } catch (IOException | RuntimeException e) {
      throw new InvalidManifestException("damaged: " + e);
    }
  }

  private static long readDirectory(DataInputStream in, ManifestDirectory directory, int depth)
      throws IOException, InvalidManifestException {
    if (depth > MAX_DEPTH) {
      throw new InvalidManifestException("nested deeper than " + MAX_DEPTH);
    }
    int count = in.readInt();
    if (count < 0) {
      throw new InvalidManifestException("negative entry count");
    }
    long entries = count;
    for (int i = 0; i < count; i++) {
      byte[] name = new byte[in.readUnsignedShort()];
      in.readFully(name);
      byte type = in.readByte();
      int position = directory.put(name, type, in.readLong(), in.readLong());
      if (type == ManifestDirectory.DIRECTORY && in.readBoolean()) {
        entries += readDirectory(in, directory.childCreating(position), depth + 1);
      }
    }
    return entries;
  }
}
