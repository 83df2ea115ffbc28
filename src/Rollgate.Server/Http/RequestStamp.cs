using Rollgate.Storage;

namespace Rollgate.Server.Http;

/// <summary>
/// The store's stamp as read when the request was authenticated (a feature of its <c>HttpContext</c>): the request
/// judges its token, the current phase and the CRM records as of that moment, with one read of the store for all.
/// </summary>
public sealed class RequestStamp(StoreStamp stamp)
{
    public StoreStamp Stamp { get; } = stamp;
}
