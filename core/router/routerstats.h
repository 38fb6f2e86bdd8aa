// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The router's hot-path counters, a value type: RouterHost copies it across threads in its snapshot.

#include <QMetaType>
#include <QtGlobal>

namespace wb::router {

/// Hot-path counters (cheap; useful for tests and a status display).
struct RouterStats
{
    quint64 publications = 0;    ///< PUBLISH messages routed
    quint64 eventsEncoded = 0;   ///< EVENT encodings: one per (subscription, serializer) per publication
    quint64 eventsSent = 0;      ///< EVENT messages handed to transports
    quint64 calls = 0;           ///< CALLs routed to a callee
    quint64 protocolViolations = 0;

    bool operator==(const RouterStats &) const = default;
};

} // namespace wb::router

Q_DECLARE_METATYPE(wb::router::RouterStats)
