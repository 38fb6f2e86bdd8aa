// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// WAMP IDs (wamp-notes §3): integers in [1, 2^53].

#include <QtGlobal>

namespace wb::wamp {

inline constexpr quint64 kMaxId = 9007199254740992ull; // 2^53

inline bool isValidId(quint64 id) { return id >= 1 && id <= kMaxId; }

/// Uniformly random ID in [1, 2^53] (session and publication IDs: global scope).
quint64 randomId();

/// Session-scope request IDs: 1, 2, 3, ... wrapping from 2^53 back to 1.
class RequestIdSequence
{
public:
    quint64 next()
    {
        m_last = (m_last >= kMaxId) ? 1 : m_last + 1;
        return m_last;
    }
    quint64 last() const { return m_last; }
    void reset(quint64 last = 0) { m_last = last; }

private:
    quint64 m_last = 0;
};

} // namespace wb::wamp
