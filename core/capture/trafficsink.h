// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "capture/capturerecord.h"
#include "capture/connectioninfo.h"

namespace wb::capture {

/// Receives what a Recorder records, in order, on the Recorder's thread. CaptureStore (the in-memory index the
/// traffic log shows) is one; a streaming capture-file writer is another (an observer call, as in Qt Creator's
/// LspInspector::log()).
class TrafficSink
{
public:
    virtual ~TrafficSink() = default;
    /// A connection was added (first call for its id) or its metadata changed (closed, renamed, ...).
    virtual void connectionChanged(const ConnectionInfo &info) = 0;
    virtual void messageRecorded(const RecordedMessage &message) = 0;
};

} // namespace wb::capture
