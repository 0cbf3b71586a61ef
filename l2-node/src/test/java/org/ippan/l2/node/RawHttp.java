package org.ippan.l2.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Test helper: HTTP/1.1 over a plain socket, for what {@code HttpClient} will not send (a foreign Host, a huge head). */
final class RawHttp {
    private RawHttp() {
    }

    /** An answer: the status (-1 when the connection closed without one) and the whole text read. */
    record Answer(int status, String text) {
        String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String body() {
            int blank = text.indexOf("\r\n\r\n");
            return blank < 0 ? "" : text.substring(blank + 4);
        }
    }

    static InetSocketAddress address(L2Node node) {
        URI uri = URI.create(node.baseUrl());
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    /**
     * Sends {@code request} (with {@code Connection: close} expected in it) and reads until the server closes, at
     * most 10 s. A write the server cut short (it answered and closed early) still reads its answer.
     */
    static Answer exchange(InetSocketAddress address, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server answered and closed before taking the whole request: read what it said
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    text.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // reset after the answer: keep what was read
            }
            String answer = text.toString(StandardCharsets.ISO_8859_1);
            int status = -1;
            if (answer.startsWith("HTTP/1.1 ") && answer.length() >= 12) {
                status = Integer.parseInt(answer.substring(9, 12));
            }
            return new Answer(status, answer);
        }
    }

    /** A request with {@code Connection: close}; {@code body} may be null. */
    static byte[] request(String method, String path, String host, String contentType, String extraHeaders,
            String body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (host != null) {
            head.append("Host: ").append(host).append("\r\n");
        }
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (extraHeaders != null) {
            head.append(extraHeaders);
        }
        head.append("Connection: close\r\n");
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
        return all;
    }
}
