package demo.tools;

import com.example.rpc.dto.InvokeRequest;
import demo.gadget.Marker;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Date;

/**
 * Writes a Java serialization stream to stdout, for the demo and the tests.
 *
 *   MakePayload marker PATH   the "exploit": a serialized demo.gadget.Marker
 *                             whose deserialization writes a file at PATH
 *   MakePayload dto           a benign com.example.rpc.dto.InvokeRequest
 *
 * Needs the app's classes on its classpath (as an attacker knows the gadget's
 * name and fields); not part of the app itself.
 */
public final class MakePayload {
    private MakePayload() {}

    public static void main(String[] args) throws IOException {
        Object obj;
        if (args.length == 2 && args[0].equals("marker")) {
            obj = new Marker(args[1]);
        } else if (args.length == 1 && args[0].equals("dto")) {
            InvokeRequest r = new InvokeRequest();
            r.method = "orders.list";
            r.id = 42;
            r.priority = 3;
            r.args.add("customer-7");
            r.args.add("open");
            r.meta.put("client", "demo");
            r.sent = new Date(1700000000000L);
            obj = r;
        } else {
            System.err.println("usage: MakePayload marker PATH | MakePayload dto");
            System.exit(2);
            return;
        }
        try (ObjectOutputStream out = new ObjectOutputStream(System.out)) {
            out.writeObject(obj);
        }
    }
}
