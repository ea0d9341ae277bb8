# The tutorial's JSON client (shared/seed), as written.
import asyncio
import websockets
import json

async def send_message():
    async with websockets.connect('ws://localhost:8000') as websocket:
        data = {'name': 'John', 'age': 30, 'city': 'New York'}
        json_data = json.dumps(data)
        await websocket.send(json_data)

asyncio.get_event_loop().run_until_complete(send_message())
