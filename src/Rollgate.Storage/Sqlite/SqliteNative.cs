using System.Runtime.InteropServices;
using SQLitePCL;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The few SQLite C functions a bulk write calls per row, as plain function pointers into the same native library
/// SQLitePCLRaw loaded. SQLitePCLRaw's own calls go through a provider interface and take and release a SafeHandle
/// each time, which costs about as much as binding a small value; here the caller holds the handles open instead.
/// Binding and counting only read and write the statement's memory, so they skip the GC transition; stepping and
/// resetting may run for long or call back into managed code (registered functions), so they keep it.
/// </summary>
internal static unsafe class SqliteNative
{
    /// <summary>Tells SQLite to copy a bound text or blob before the call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    private static readonly IntPtr Library = Load();

    public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long, int> BindInt64 =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long, int>)Export("sqlite3_bind_int64");

    public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, double, int> BindDouble =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, double, int>)Export("sqlite3_bind_double");

    public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int> BindNull =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int>)Export("sqlite3_bind_null");

    public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int> BindText =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int>)Export("sqlite3_bind_text");

    public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int> Changes =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int>)Export("sqlite3_changes");

    public static readonly delegate* unmanaged[Cdecl]<IntPtr, int> Step = (delegate* unmanaged[Cdecl]<IntPtr, int>)Export("sqlite3_step");

    public static readonly delegate* unmanaged[Cdecl]<IntPtr, int> Reset = (delegate* unmanaged[Cdecl]<IntPtr, int>)Export("sqlite3_reset");

    /// <summary>
    /// The library SQLitePCLRaw's provider uses, found the way its own P/Invokes find it. The version check guards
    /// against two different SQLite builds in one process, whose handles must never be mixed.
    /// </summary>
    private static IntPtr Load()
    {
        var library = NativeLibrary.Load("e_sqlite3", typeof(SQLite3Provider_e_sqlite3).Assembly, null);
        var version = ((delegate* unmanaged[Cdecl]<int>)NativeLibrary.GetExport(library, "sqlite3_libversion_number"))();
        if (version != raw.sqlite3_libversion_number())
        {
            throw new InvalidOperationException($"SQLite {version} found beside SQLitePCLRaw's {raw.sqlite3_libversion_number()}");
        }

        return library;
    }

    private static IntPtr Export(string name) => NativeLibrary.GetExport(Library, name);
}
