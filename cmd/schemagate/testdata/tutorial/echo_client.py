# The tutorial's WebSocket client (shared/seed), as written.
import asyncio
import websockets

async def send_message():
    async with websockets.connect('ws://localhost:8000') as websocket:
        await websocket.send('Hello, server!')
        response = await websocket.recv()
        print(response)

asyncio.get_event_loop().run_until_complete(send_message())
