package demo.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * A DELIBERATELY VULNERABLE web app for deserwall demos and end-to-end tests.
 * JDK only (com.sun.net.httpserver). Never expose it.
 *
 *   POST /rpc/invoke  ObjectInputStream.readObject on the body (CWE-502); a
 *                     text/plain body is taken as base64 first
 *   POST /xml/parse   parses the body with the JDK's default
 *                     DocumentBuilderFactory (external entities resolved:
 *                     CWE-611, XXE) and echoes the root element's text
 *   GET  /healthz     {"status":"ok"}
 *
 * Bodies may be chunked and/or gzip (Content-Encoding). Address: --listen
 * HOST:PORT or VULN_APP_LISTEN, default 127.0.0.1:8001 (port 0: any free port).
 * Prints one JSON line per event: "listening" once ready, "request" per request.
 */
public final class VulnApp {
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private VulnApp() {}

    public static void main(String[] args) throws IOException {
        String listen = System.getenv("VULN_APP_LISTEN");
        if (listen == null || listen.isEmpty()) listen = "127.0.0.1:8001";
        if (args.length == 2 && args[0].equals("--listen")) listen = args[1];
        else if (args.length != 0) throw new IllegalArgumentException("usage: VulnApp [--listen HOST:PORT]");
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(listen.substring(colon + 1));

        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/", VulnApp::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        emit("{\"event\":\"listening\",\"host\":" + quote(host) + ",\"port\":" + server.getAddress().getPort() + "}");
    }

    private static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            byte[] body;
            try {
                body = readBody(ex);
            } catch (IOException e) {
                emit("{\"event\":\"request\",\"method\":" + quote(method) + ",\"path\":" + quote(path) + ",\"bytes\":-1}");
                reply(ex, 400, "{\"error\":\"bad body\"}");
                return;
            }
            emit("{\"event\":\"request\",\"method\":" + quote(method) + ",\"path\":" + quote(path) + ",\"bytes\":" + body.length + "}");
            if (method.equals("GET") && path.equals("/healthz")) {
                reply(ex, 200, "{\"status\":\"ok\"}");
            } else if (method.equals("POST") && path.equals("/rpc/invoke")) {
                invoke(ex, body);
            } else if (method.equals("POST") && path.equals("/xml/parse")) {
                parseXml(ex, body);
            } else {
                reply(ex, 404, "{\"error\":\"not found\"}");
            }
        } catch (RuntimeException e) {
            reply(ex, 500, "{\"error\":" + quote(e.getClass().getName()) + "}");
        }
    }

    private static void invoke(HttpExchange ex, byte[] body) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        try {
            byte[] bytes = body;
            if (type != null && type.toLowerCase().startsWith("text/plain")) {
                bytes = Base64.getMimeDecoder().decode(body);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                Object obj = in.readObject(); // the vulnerability: no filter, any class on the classpath
                String value = String.valueOf(obj);
                if (value.length() > 200) value = value.substring(0, 200);
                reply(ex, 200, "{\"received\":" + quote(obj == null ? "null" : obj.getClass().getName()) + ",\"value\":" + quote(value) + "}");
            }
        } catch (Exception e) {
            reply(ex, 400, "{\"error\":" + quote(e.getClass().getName()) + "}");
        }
    }

    private static void parseXml(HttpExchange ex, byte[] body) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance(); // insecure defaults, on purpose
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(QUIET);
            Element root = builder.parse(new ByteArrayInputStream(body)).getDocumentElement();
            reply(ex, 200, "{\"root\":" + quote(root.getTagName()) + ",\"text\":" + quote(root.getTextContent()) + "}");
        } catch (Exception e) {
            reply(ex, 400, "{\"error\":" + quote(e.getClass().getName()) + "}");
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) in = new GZIPInputStream(in);
        else if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) throw new IOException("unsupported Content-Encoding");
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) throw new IOException("body too large");
        return body;
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] payload = (json + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, payload.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(payload);
        }
    }

    private static synchronized void emit(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) {}

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };
}
