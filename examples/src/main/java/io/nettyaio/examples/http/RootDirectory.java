package io.nettyaio.examples.http;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            return Resolution.refused(HttpResponseStatus.NOT_FOUND);
        } catch (AccessDeniedException e) {
            return Resolution.refused(HttpResponseStatus.FORBIDDEN);
        } catch (IOException e) {
            return Resolution.refused(HttpResponseStatus.NOT_FOUND);
        }
        if (!real.startsWith(realRoot)) {
            // A symbolic link inside the root pointing outside it.
            return Resolution.refused(HttpResponseStatus.FORBIDDEN);
        }
        return new Resolution(real, "/" + realRoot.relativize(candidate), null);
    }

    /** Either a file and its normalized, decoded path under the root ({@code /} for the root), or a refusal. */
    static final class Resolution {
        final Path file;
        final String path;
        final HttpResponseStatus refusal;

        Resolution(Path file, String path, HttpResponseStatus refusal) {
            this.file = file;
            this.path = path;
            this.refusal = refusal;
        }

        static Resolution refused(HttpResponseStatus status) {
            return new Resolution(null, null, status);
        }
    }
}
