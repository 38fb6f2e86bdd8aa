// SPDX-License-Identifier: GPL-3.0-or-later
#include "uriindex.h"

#include "routersession.h"
#include "wamp/errors.h"

namespace wb::router {

using namespace wb::wamp;

std::optional<MatchPolicy> parseMatchOption(RouterSession &session, MessageType requestType, quint64 request,
                                            const Dict &options, const QString &uri)
{
    const Value matchValue = options.value(QStringLiteral("match"));
    std::optional<MatchPolicy> policy = MatchPolicy::Exact;
    if (!matchValue.isNull())
        policy = matchValue.isString() ? parseMatchPolicy(matchValue.toString()) : std::nullopt;
    if (!policy) {
        session.send(Message::error(requestType, request, {}, uris::invalidArgument,
                                    {QStringLiteral("option match must be \"exact\", \"prefix\" or \"wildcard\", got %1")
                                         .arg(matchValue.toDebugString())}));
        return std::nullopt;
    }
    const QString problem = uriProblem(uri, UriStrictness::Loose, emptyComponentsFor(*policy));
    if (!problem.isEmpty()) {
        session.send(Message::error(requestType, request, {}, uris::invalidUri, {problem}));
        return std::nullopt;
    }
    return policy;
}

} // namespace wb::router
