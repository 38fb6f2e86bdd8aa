// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Remote procedure calls (wamp-notes §10.2, §11.1-11.7). Sources: dealer.cpp (routing), dealerregistrations.cpp
// (registrations, invoke policies), dealertimeouts.cpp (call timeouts). Registrations are keyed by (uri, match) with
// precedence exact > longest prefix > best wildcard. A registration holds an ordered list of callees (shared
// registrations, REGISTER.Options.invoke single | roundrobin | random | first | last; the first registrant fixes
// the policy). Router-enforced call timeouts (CALL.Options.timeout) run on one timer per invocation; progressive
// call invocations (CALL{progress:true} chunks with one request ID) stick to the callee chosen for the first chunk.
//
// Invocations are tracked by (callee session ID, INVOCATION request ID) and indexed by (caller session ID,
// CALL request ID). Session IDs rather than pointers: a session that has left simply is not found.

#include "uriindex.h"
#include "wamp/message.h"
#include "wamp/uri.h"

#include <QDateTime>
#include <QObject>
#include <QHash>
#include <QList>
#include <QSet>

#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

namespace wb::router {

class Realm;
class RouterSession;
struct RouterStats;

class Dealer
{
    Q_DISABLE_COPY_MOVE(Dealer)
public:
    /// \a timerParent: the QObject (the Router) whose thread runs the call-timeout timers. The timer host is its
    /// child, so a Router moved to another thread takes the timers along (an unparented host would stay on the
    /// constructing thread, and startTimer() from the router thread would fail: call_timeout silently off).
    Dealer(Realm &realm, RouterStats &stats, QObject *timerParent);
    ~Dealer();

    void onRegister(RouterSession &session, const wamp::Message &m);
    void onUnregister(RouterSession &session, const wamp::Message &m);
    void onCall(RouterSession &session, const wamp::Message &m);
    void onCancel(RouterSession &session, const wamp::Message &m);
    void onYield(RouterSession &session, const wamp::Message &m);
    /// ERROR(INVOCATION) from a callee.
    void onInvocationError(RouterSession &session, const wamp::Message &m);
    /// Drop the registrations of a leaving session; fail calls it was serving (canceled); forget calls it made
    /// (INTERRUPT killnowait to callees that announced call_canceling).
    void removeSession(RouterSession *session);

    /// Is the CALL (caller session ID, request ID) still waiting for its final RESULT/ERROR?
    bool hasPendingCall(quint64 callerId, quint64 callRequestId) const
    {
        return m_byCaller.contains(Key{callerId, callRequestId});
    }
    int registrationCount() const { return int(m_byId.size()); }
    int pendingInvocationCount() const { return int(m_byCallee.size()); }
    static wamp::Dict features();

    enum class InvokePolicy { Single, RoundRobin, Random, First, Last };
    static std::optional<InvokePolicy> parseInvokePolicy(const QString &name);
    static QString invokePolicyName(InvokePolicy policy);

    struct Registration
    {
        quint64 id = 0;
        QString uri;
        wamp::MatchPolicy match = wamp::MatchPolicy::Exact;
        InvokePolicy invoke = InvokePolicy::Single;
        QList<RouterSession *> callees;       ///< in registration order (shared registrations)
        QSet<RouterSession *> discloseCaller; ///< callees that asked REGISTER.Options.disclose_caller
        QSet<RouterSession *> forwardTimeout; ///< callees that asked REGISTER.Options.forward_timeout
        quint64 roundRobin = 0;               ///< next callee index for roundrobin
        QDateTime created; ///< UTC, for the meta API
    };
    // ---- read access for the meta API ----
    const Registration *registration(quint64 id) const;
    const Registration *lookup(const QString &uri, wamp::MatchPolicy policy) const;
    /// The registration a CALL to \a uri would be routed to.
    const Registration *match(const QString &uri) const { return bestMatch(uri); }
    QList<const Registration *> all() const;
    QList<const Registration *> registrationsOf(RouterSession *session) const;

private:
    using Key = std::pair<quint64, quint64>; ///< (session ID, request ID)
    struct Invocation
    {
        quint64 callerId = 0;
        quint64 callRequestId = 0;
        quint64 calleeId = 0;
        quint64 invocationId = 0;
        quint64 registrationId = 0;
        bool progressive = false;  ///< caller asked for and callee supports progressive results
        bool killRequested = false; ///< CANCEL mode kill: INTERRUPT sent, waiting for the callee's answer
        bool inputOpen = false;     ///< progressive call invocation: more CALL chunks may follow
        bool streamed = false;      ///< started as a progressive call invocation
        int timeoutMs = 0;          ///< router-enforced CALL.Options.timeout (0: none)
        int timerId = 0;
    };

    Registration *bestMatch(const QString &uri) const;
    void removeCallee(Registration *reg, RouterSession *session);
    /// Find the invocation a YIELD/ERROR refers to. Unknown but issued earlier: nullptr (discard, late answer);
    /// never issued to this session: protocol violation (also nullptr; \a violated set).
    Invocation *invocationFor(RouterSession &callee, const wamp::Message &m, bool *violated);
    void finishInvocation(const Invocation &inv);
    RouterSession *pickCallee(Registration &reg);
    bool discloseCaller(const Registration &reg, RouterSession *callee, bool requested) const;
    void onCallChunk(RouterSession &caller, const wamp::Message &m, Invocation &inv);
    void startTimer(Invocation &inv);
    void stopTimer(Invocation &inv);
    void onTimeout(int timerId);
    /// Remember a finished progressive-invocation CALL so that late chunks are discarded (wamp-notes §11.2).
    void rememberStream(quint64 callerId, quint64 callRequestId);
    bool isRecentStream(quint64 callerId, quint64 callRequestId) const;
    void sendCallError(quint64 callerId, quint64 callRequestId, const QString &error, const wamp::List &args = {},
                       const wamp::Dict &kwargs = {});

    Realm &m_realm;
    RouterStats &m_stats;
    std::unordered_map<quint64, std::unique_ptr<Registration>> m_byId;
    UriIndex<Registration> m_index;
    QHash<RouterSession *, QSet<quint64>> m_bySession;
    QHash<Key, Invocation> m_byCallee;  ///< (callee, invocation ID) -> invocation
    QHash<Key, Key> m_byCaller;         ///< (caller, CALL request ID) -> (callee, invocation ID)
    QHash<int, Key> m_timers;           ///< timer ID -> (callee, invocation ID)
    QHash<quint64, QList<quint64>> m_recentStreams; ///< caller -> last finished progressive-invocation request IDs
    class TimerHost;
    std::unique_ptr<TimerHost> m_timerHost;
};

} // namespace wb::router
