//! Numbers the TCP connections the server accepts (1, 2, ... per server), so the request log
//! can show whether a client reuses keep-alive connections or opens a new one per request.

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener that counts the connections it accepts; axum serves HTTP/1.1 keep-alive on
/// each as usual.
#[derive(Debug)]
pub struct CountingListener {
    inner: TcpListener,
    accepted: u64,
}

impl CountingListener {
    /// Wraps a bound listener; its first accepted connection is number 1.
    pub fn new(inner: TcpListener) -> CountingListener {
        CountingListener { inner, accepted: 0 }
    }
}

/// The address of an accepted connection: the peer and the connection's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionAddr {
    /// The client's address.
    pub remote: SocketAddr,
    /// 1-based number of the connection in accept order (0 for the listener's own address).
    pub connection: u64,
}

impl Listener for CountingListener {
    type Io = TcpStream;
    type Addr = ConnectionAddr;

    async fn accept(&mut self) -> (TcpStream, ConnectionAddr) {
        let (io, remote) = Listener::accept(&mut self.inner).await;
        self.accepted += 1;
        let addr = ConnectionAddr {
            remote,
            connection: self.accepted,
        };
        (io, addr)
    }

    fn local_addr(&self) -> std::io::Result<ConnectionAddr> {
        Ok(ConnectionAddr {
            remote: self.inner.local_addr()?,
            connection: 0,
        })
    }
}

/// The number of the connection a request arrived on, available to handlers and middleware
/// as `ConnectInfo<ConnectionId>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionId(pub u64);

impl Connected<IncomingStream<'_, CountingListener>> for ConnectionId {
    fn connect_info(stream: IncomingStream<'_, CountingListener>) -> ConnectionId {
        ConnectionId(stream.remote_addr().connection)
    }
}
