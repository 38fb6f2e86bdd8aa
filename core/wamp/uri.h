// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// URI rules (wamp-notes §4) and pattern matching (§11.6, §12.5).

#include <QString>
#include <QStringView>

#include <optional>

namespace wb::wamp {

enum class UriStrictness { Loose, Strict };
/// Which components may be empty: none (plain URIs), only the last (prefix patterns), any (wildcard patterns).
enum class EmptyComponents { None, LastOnly, Any };
enum class MatchPolicy { Exact, Prefix, Wildcard };

/// Validate a URI. Loose: components have no '.', '#' or whitespace. Strict: [0-9a-z_] only.
bool isValidUri(QStringView uri, UriStrictness strictness = UriStrictness::Loose,
                EmptyComponents empty = EmptyComponents::None);
/// The reason a URI is invalid (empty string when valid), for error messages.
QString uriProblem(QStringView uri, UriStrictness strictness = UriStrictness::Loose,
                   EmptyComponents empty = EmptyComponents::None);
/// The validation a pattern of this policy needs (REGISTER/SUBSCRIBE).
EmptyComponents emptyComponentsFor(MatchPolicy policy);

/// Does \a uri match \a pattern under \a policy? Prefix is a plain string prefix (a.b matches a.bc);
/// wildcard: same number of components, empty pattern components match any one component.
bool uriMatches(QStringView uri, QStringView pattern, MatchPolicy policy);

std::optional<MatchPolicy> parseMatchPolicy(const QString &name);
QString matchPolicyName(MatchPolicy policy);

/// Wildcard precedence (§11.6): compare two matching wildcard patterns; true when \a a beats \a b
/// (longer literal run before the first wildcard wins, ties go to the next run, ...).
bool wildcardBeats(QStringView a, QStringView b);

/// True for URIs in the reserved "wamp." namespace.
inline bool isReservedUri(QStringView uri) { return uri.startsWith(u"wamp."); }

} // namespace wb::wamp
