/** The parts of ARI's JSON models Doorman reads (Asterisk 22). */
export interface CallerId {
  name: string;
  number: string;
}

export interface ChannelJson {
  id: string;
  name: string;
  state: string;
  caller: CallerId;
  connected?: CallerId;
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  channelvars?: Record<string, string>;
  creationtime?: string;
}

export interface BridgeJson {
  id: string;
  name: string;
  channels: string[];
  technology?: string;
  creationtime?: string;
}

export interface PlaybackJson {
  id: string;
  state: string;
  media_uri: string;
  target_uri: string;
}

/** An event from ARI's event WebSocket; fields present depend on `type`. */
export interface AriEvent {
  type: string;
  application?: string;
  timestamp?: string;
  channel?: ChannelJson;
  bridge?: BridgeJson;
  playback?: PlaybackJson;
  args?: string[];
  digit?: string;
  eventname?: string;
  userevent?: Record<string, string>;
  variable?: string;
  value?: string;
  cause?: number;
  cause_txt?: string;
  dialplan_app?: string;
  dialplan_app_data?: string;
  /** Dial events: the channel being dialled, what was dialled, and how it ended ('' at the start). */
  peer?: ChannelJson;
  caller?: ChannelJson;
  dialstring?: string;
  dialstatus?: string;
}

export interface DialplanTarget {
  context: string;
  extension: string;
  priority: number;
}

/** What `AriConnection.externalMedia` asks Asterisk for. */
export interface ExternalMediaParams {
  channelId: string;
  format: 'slin16' | 'slin' | 'ulaw';
  /** Extra channel variables to set on the media channel. */
  variables?: Record<string, string>;
}

export interface OriginateParams {
  endpoint: string;
  channelId: string;
  otherChannelId: string;
  context: string;
  extension: string;
  priority: number;
  callerId: string;
  /** Always set for Local channels: without it they negotiate slin192 (5x CPU, -6 dB). */
  formats: string;
  timeoutSeconds: number;
  variables: Record<string, string>;
}
