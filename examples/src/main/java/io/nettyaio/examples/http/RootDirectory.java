package io.nettyaio.examples.http;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The directory a server publishes, and the only way from a request target to a file: decode, normalize, and
 * refuse anything that is not inside the root once symbolic links are followed.
 */
final class RootDirectory {
    private final Path realRoot;

    /**
     * @param root an existing directory
     * @throws IOException when {@code root} cannot be resolved
     */
    RootDirectory(Path root) throws IOException {
        this.realRoot = root.toRealPath();
    }

    /** @return the root with every symbolic link resolved */
    Path path() {
        return realRoot;
    }

    /**
     * Maps a request target to an existing file or directory under the root.
     *
     * @param target the request target, e.g. {@code /docs/a%20b.txt?x=1}
     * @return the file, or the status to answer with: 400 (undecodable), 403 (outside the root), 404 (absent)
     */
    Resolution resolve(String target) {
        String rawPath = UriPaths.rawPath(target);
        String path = rawPath == null ? null : UriPaths.decode(rawPath);
        if (path == null) {
            return Resolution.refused(HttpResponseStatus.BAD_REQUEST);
        }
        Path candidate;
        try {
            // Leading slashes stripped: "//etc/passwd" must stay relative to the root, not become absolute.
            candidate = realRoot.resolve(path.replaceFirst("^/+", "")).normalize();
        } catch (InvalidPathException e) {
            return Resolution.refused(HttpResponseStatus.BAD_REQUEST);
        }
        if (!candidate.startsWith(realRoot)) {
            return Resolution.refused(HttpResponseStatus.FORBIDDEN);
        }
        String relative = "/" + realRoot.relativize(candidate);
        try {
            // The root is real: only the components below it can be links. One lstat each, and the last one's
            // attributes are the file's; toRealPath (a readlink per component of the whole path) only for links.
            Path current = realRoot;
            BasicFileAttributes attributes = null;
            for (Path part : realRoot.relativize(candidate)) {
                if (part.toString().isEmpty()) {
                    continue;
                }
                current = current.resolve(part);
                attributes = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    return throughLinks(candidate, relative);
                }
            }
            if (attributes == null) {
                attributes = Files.readAttributes(realRoot, BasicFileAttributes.class);
            }
            return new Resolution(candidate, relative, null, attributes);
        } catch (NoSuchFileException e) {
            return Resolution.refused(HttpResponseStatus.NOT_FOUND);
        } catch (AccessDeniedException e) {
            return Resolution.refused(HttpResponseStatus.FORBIDDEN);
        } catch (IOException e) {
            return Resolution.refused(HttpResponseStatus.NOT_FOUND);
        }
    }

    private Resolution throughLinks(Path candidate, String relative) throws IOException {
        Path real = candidate.toRealPath();
        if (!real.startsWith(realRoot)) {
            // A symbolic link inside the root pointing outside it.
            return Resolution.refused(HttpResponseStatus.FORBIDDEN);
        }
        return new Resolution(real, relative, null, Files.readAttributes(real, BasicFileAttributes.class));
    }

    /**
     * Either a file, its normalized, decoded path under the root ({@code /} for the root) and its attributes, or a
     * refusal.
     */
    static final class Resolution {
        final Path file;
        final String path;
        final HttpResponseStatus refusal;
        final BasicFileAttributes attributes;

        Resolution(Path file, String path, HttpResponseStatus refusal, BasicFileAttributes attributes) {
            this.file = file;
            this.path = path;
            this.refusal = refusal;
            this.attributes = attributes;
        }

        static Resolution refused(HttpResponseStatus status) {
            return new Resolution(null, null, status, null);
        }
    }
}
