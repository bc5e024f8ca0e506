package io.celeryexporter.web;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Refuses a request with more header lines than the limit (431); Jetty itself bounds their total size. */
final class HeaderCountLimit extends Handler.Wrapper {

    private final int maxHeaders;

    HeaderCountLimit(Handler next, int maxHeaders) {
        super(next);
        this.maxHeaders = maxHeaders;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().size() > maxHeaders) {
            Response.writeError(request, response, callback, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431,
                    "more than " + maxHeaders + " header lines");
            return true;
        }
        return super.handle(request, response, callback);
    }
}
