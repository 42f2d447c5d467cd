export * as cloudfront from "./cloudfront";
export * as ec2 from "./ec2";
