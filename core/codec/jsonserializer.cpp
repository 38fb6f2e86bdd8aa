// SPDX-License-Identifier: GPL-3.0-or-later
// JsonSerializer: the writer is jsonwriter_p.cpp, the parser jsonparser_p.{h,cpp}.
#include "codec/jsonserializer.h"

#include "codec/jsonparser_p.h"

namespace wb::codec {

Result<wamp::Value> JsonSerializer::decode(QByteArrayView bytes) const
{
    JsonParser parser(bytes.data(), bytes.data() + bytes.size());
    return parser.run();
}

} // namespace wb::codec
