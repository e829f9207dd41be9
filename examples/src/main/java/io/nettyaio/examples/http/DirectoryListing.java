package io.nettyaio.examples.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Renders a directory as a minimal HTML page of links. */
final class DirectoryListing {
    private DirectoryListing() { }

    /**
     * @param requestPath the decoded, normalized path of the directory under the root, e.g. {@code /docs}
     * @param dir the directory
     * @return the page
     * @throws IOException when the directory cannot be read
     */
    static String render(String requestPath, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                names.add(Files.isDirectory(entry) ? name + "/" : name);
            }
        }
        names.sort(null);
        String base = hrefBase(requestPath);
        String title = escape(requestPath);
        StringBuilder html = new StringBuilder(256 + names.size() * 64)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ").append(title)
                .append("</title></head>\n<body><h1>Index of ").append(title).append("</h1>\n<ul>\n");
        if (!base.equals("/")) {
            html.append("<li><a href=\"").append(base).append("../\">../</a></li>\n");
        }
        for (String name : names) {
            boolean isDir = name.endsWith("/");
            String bare = isDir ? name.substring(0, name.length() - 1) : name;
            html.append("<li><a href=\"").append(escape(base + UriPaths.encodeSegment(bare) + (isDir ? "/" : "")))
                    .append("\">").append(escape(name)).append("</a></li>\n");
        }
        return html.append("</ul>\n</body></html>\n").toString();
    }

    /** Absolute links work whether or not the request path ends with a slash. */
    private static String hrefBase(String requestPath) {
        StringBuilder base = new StringBuilder("/");
        for (String segment : requestPath.split("/")) {
            if (!segment.isEmpty()) {
                base.append(UriPaths.encodeSegment(segment)).append('/');
            }
        }
        return base.toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }
}
