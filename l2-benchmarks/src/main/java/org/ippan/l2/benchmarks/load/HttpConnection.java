package org.ippan.l2.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One persistent HTTP/1.1 connection over a plain socket: one request at a time, keep-alive, responses framed by
 * {@code Content-Length} or chunked encoding (or read to the end when the server closes). It reconnects on the
 * next request after an error or a {@code Connection: close}. Cheaper per request than the JDK
 * {@code HttpClient}, which matters when the generator shares two cores with the node it measures. The response
 * body lands in a buffer reused by the next request. Not thread-safe.
 */
final class HttpConnection implements Closeable {
    private static final int MAX_HEADER_LINE = 8192;
    private static final int MAX_BODY = 64 << 20;

    private final InetSocketAddress address;
    private final int timeoutMs;
    private final byte[] hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] requestBuffer = new byte[4096];
    private byte[] body = new byte[4096];
    private int bodyLength;
    private final StringBuilder line = new StringBuilder(128);

    HttpConnection(InetSocketAddress address, int timeoutMs) {
        this.address = address;
        this.timeoutMs = timeoutMs;
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        this.hostHeader = ("Host: " + host + ":" + address.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Sends one request and reads its response.
     *
     * @param method {@code GET} or {@code POST}
     * @param path the request target
     * @param content the body (its first {@code contentLength} bytes), or null for none
     * @return the HTTP status; the body is then in {@link #body()}, {@link #bodyLength()} bytes
     * @throws IOException on any failure; the connection is then closed and reopened by the next call
     */
    int exchange(String method, String path, byte[] content, int contentLength) throws IOException {
        return exchange(method, path, content, contentLength, JSON);
    }

    /**
     * {@link #exchange(String, String, byte[], int)} with a body of another content type.
     *
     * @param contentType the body's {@code Content-Type}, e.g. {@code application/octet-stream}
     */
    int exchange(String method, String path, byte[] content, int contentLength, byte[] contentType)
            throws IOException {
        boolean reused = socket != null;
        try {
            return once(method, path, content, contentLength, contentType);
        } catch (StaleConnectionException e) {
            if (!reused) {
                throw e;
            }
            // the server closed the idle keep-alive connection before reading the request: send it once more
            // on a new one (a resubmitted tx is answered as a duplicate, never stored twice)
            return once(method, path, content, contentLength, contentType);
        }
    }

    /** {@code application/json}, as a header value's bytes. */
    static final byte[] JSON = "application/json".getBytes(StandardCharsets.US_ASCII);
    /** {@code application/octet-stream}, as a header value's bytes. */
    static final byte[] OCTET_STREAM = "application/octet-stream".getBytes(StandardCharsets.US_ASCII);

    private int once(String method, String path, byte[] content, int contentLength, byte[] contentType)
            throws IOException {
        try {
            if (socket == null) {
                open();
            }
            try {
                writeRequest(method, path, content, contentLength, contentType);
            } catch (IOException e) {
                throw (IOException) new StaleConnectionException().initCause(e);
            }
            return readResponse(method.equals("HEAD"));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The server closed the connection before sending any byte of the response. */
    static final class StaleConnectionException extends EOFException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException() {
            super("connection closed by the server before it answered");
        }
    }

    byte[] body() {
        return body;
    }

    int bodyLength() {
        return bodyLength;
    }

    /** The body as text (for short answers and messages). */
    String bodyText() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(address, timeoutMs);
            s.setSoTimeout(timeoutMs);
            in = new BufferedInputStream(s.getInputStream(), 64 << 10);
            out = s.getOutputStream();
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void writeRequest(String method, String path, byte[] content, int contentLength, byte[] contentType)
            throws IOException {
        byte[] head = (method + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] length = content == null ? new byte[0]
                : ("Content-Type: " + new String(contentType, StandardCharsets.US_ASCII) + "\r\nContent-Length: "
                        + contentLength + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int total = head.length + hostHeader.length + length.length + 2 + (content == null ? 0 : contentLength);
        if (requestBuffer.length < total) {
            requestBuffer = new byte[Math.max(total, requestBuffer.length * 2)];
        }
        int at = 0;
        System.arraycopy(head, 0, requestBuffer, at, head.length);
        at += head.length;
        System.arraycopy(hostHeader, 0, requestBuffer, at, hostHeader.length);
        at += hostHeader.length;
        System.arraycopy(length, 0, requestBuffer, at, length.length);
        at += length.length;
        requestBuffer[at++] = '\r';
        requestBuffer[at++] = '\n';
        if (content != null) {
            System.arraycopy(content, 0, requestBuffer, at, contentLength);
            at += contentLength;
        }
        out.write(requestBuffer, 0, at);
        out.flush();
    }

    private int readResponse(boolean head) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new StaleConnectionException();
        }
        line.setLength(0);
        line.append((char) first);
        String statusLine = readLineContinued();
        int status;
        try {
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new NumberFormatException();
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line: " + abbreviate(statusLine));
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String header;
        while (!(header = readLine()).isEmpty()) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("malformed Content-Length: " + abbreviate(value));
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> {
                    // not needed
                }
            }
        }
        bodyLength = 0;
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            // no body
        } else if (chunked) {
            readChunked();
        } else if (contentLength >= 0) {
            if (contentLength > MAX_BODY) {
                throw new IOException("response body of " + contentLength + " bytes is over the limit");
            }
            readExactly((int) contentLength);
        } else {
            readToEnd();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return status;
    }

    private void readChunked() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + abbreviate(sizeLine));
            }
            if (size < 0 || bodyLength + (long) size > MAX_BODY) {
                throw new IOException("response body is over the limit");
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return;
            }
            ensureBody(bodyLength + size);
            readInto(size);
            if (!readLine().isEmpty()) {
                throw new IOException("malformed chunk end");
            }
        }
    }

    private void readExactly(int length) throws IOException {
        ensureBody(length);
        readInto(length);
    }

    private void readInto(int length) throws IOException {
        int end = bodyLength + length;
        while (bodyLength < end) {
            int read = in.read(body, bodyLength, end - bodyLength);
            if (read < 0) {
                throw new EOFException("connection closed in the response body");
            }
            bodyLength += read;
        }
    }

    private void readToEnd() throws IOException {
        while (true) {
            ensureBody(bodyLength + 4096);
            int read = in.read(body, bodyLength, body.length - bodyLength);
            if (read < 0) {
                return;
            }
            bodyLength += read;
            if (bodyLength > MAX_BODY) {
                throw new IOException("response body is over the limit");
            }
        }
    }

    private void ensureBody(int capacity) {
        if (body.length < capacity) {
            body = Arrays.copyOf(body, Math.max(capacity, body.length * 2));
        }
    }

    /** Reads one CRLF- (or LF-) terminated ASCII line, without the terminator. */
    private String readLine() throws IOException {
        line.setLength(0);
        return readLineContinued();
    }

    /** Reads the rest of a line whose first characters are already in {@link #line}. */
    private String readLineContinued() throws IOException {
        if (line.length() == 1 && line.charAt(0) == '\n') {
            line.setLength(0);
            return "";
        }
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(line.length() == 0 ? "connection closed by the server"
                        : "connection closed in the response head");
            }
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
            if (line.length() >= MAX_HEADER_LINE) {
                throw new IOException("response header line over " + MAX_HEADER_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    /** Closes the socket; the next {@link #exchange} opens a new one. */
    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing: nothing left to do with it
            }
        }
    }
}
