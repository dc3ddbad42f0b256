package demo.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A harmless stand-in for a deserialization gadget: deserializing a Marker
 * writes a marker file at the path held in its field. Its mere presence on
 * the app's classpath is what makes ObjectInputStream.readObject on
 * untrusted bytes exploitable, exactly as with real gadget chains
 * (commons-collections, Spring, ...), which run commands instead.
 */
public class Marker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where readObject writes the marker file. */
    public String path;

    public Marker(String path) {
        this.path = path;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Files.write(Path.of(path), "written by demo.gadget.Marker.readObject\n".getBytes(StandardCharsets.UTF_8));
    }
}
