package demo.app;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Container health check without curl: exits 0 when GET URL answers 200.
 * Usage: java -cp CLASSES demo.app.HealthCheck http://127.0.0.1:8001/healthz
 */
public final class HealthCheck {
    private HealthCheck() {}

    public static void main(String[] args) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            System.exit(c.getResponseCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.exit(1);
        }
    }
}
